import { useEffect, useRef, useState, type Dispatch, type FormEvent, type SetStateAction } from 'react';
import { AiCallChoice, choiceFields, organizationDefaults } from '../ai/AiCallChoice';
import { ApiError } from '../app/api';
import { Panel } from '../app/Panel';
import { AiOffNote } from '../analysis/AiOffNote';
import { useAiStatus } from '../analysis/api';
import { PermissionButton } from '../orgs/PermissionButton';
import { TextDiffTable } from '../prompts/TextDiffTable';
import { streamEdit, type EditResult, type EditSelection } from './api';
import './editing.css';

/** An instruction handed in from elsewhere (an analysis finding's "Fix in editor"); `id` tells two of the same text apart. */
export interface HandedInstruction {
  id: number;
  text: string;
}

interface AiEditPanelProps {
  organizationId: string;
  projectId: string;
  /** The text the AI edits: the editor's template (or a chat prompt's system message). */
  currentPrompt: string;
  /** The text selected in the editor: the instruction applies to it alone. */
  selection: EditSelection | null;
  handed: HandedInstruction | null;
  /** The handed instruction is in the input: the page forgets it, so a remounted panel does not take it again. */
  onHandedTaken: () => void;
  /** The chat, kept by the page so that it survives the editor starting over on the new version an Accept saves. */
  chat: AiEditChat;
  /** Saves the proposed prompt as a new version. */
  onAccept: (proposedPrompt: string, commitMessage: string) => Promise<unknown>;
}

export interface AiEditChat {
  turns: AiEditTurn[];
  setTurns: Dispatch<SetStateAction<AiEditTurn[]>>;
}

export interface AiEditTurn {
  instruction: string;
  scope: 'whole' | 'selection';
  thinking: string;
  content: string;
  result: EditResult | null;
  error: string | null;
  status: 'streaming' | 'done' | 'accepted' | 'rejected';
}

/** "Edit with AI": a chat about the prompt; replies stream in and are shown by kind, an edit as a diff to accept or reject. */
export function AiEditPanel({ organizationId, projectId, currentPrompt, selection, handed, onHandedTaken, chat, onAccept }: AiEditPanelProps) {
  const status = useAiStatus(organizationId);
  const [instruction, setInstruction] = useState('');
  const { turns, setTurns } = chat;
  const [accepting, setAccepting] = useState(false);
  const [choice, setChoice] = useState(organizationDefaults);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const abortRef = useRef<AbortController | null>(null);
  const disabled = status.data?.enabled === false;
  const streaming = turns.at(-1)?.status === 'streaming';

  useEffect(() => () => abortRef.current?.abort(), []);
  useEffect(() => {
    if (!handed) return;
    setInstruction(handed.text);
    inputRef.current?.scrollIntoView({ block: 'center' });
    inputRef.current?.focus();
    onHandedTaken();
  }, [handed, onHandedTaken]);

  const update = (index: number, change: (turn: AiEditTurn) => Partial<AiEditTurn>) => setTurns((all) => all.map((turn, at) => (at === index ? { ...turn, ...change(turn) } : turn)));

  async function send(text: string) {
    const trimmed = text.trim();
    if (!trimmed || streaming) return;
    const history = turns.flatMap((turn) => (turn.result ? [{ role: 'user' as const, content: turn.instruction }, { role: 'assistant' as const, content: JSON.stringify(turn.result.reply) }] : []));
    const index = turns.length;
    setTurns((all) => [...all, { instruction: trimmed, scope: selection ? 'selection' : 'whole', thinking: '', content: '', result: null, error: null, status: 'streaming' }]);
    setInstruction('');
    const controller = new AbortController();
    abortRef.current = controller;
    try {
      await streamEdit(organizationId, projectId, { instruction: trimmed, currentPrompt, ...(selection && { selection }), history, ...choiceFields(choice) }, (event) => {
        if (event.type === 'thinking') update(index, (turn) => ({ thinking: turn.thinking + event.text }));
        else if (event.type === 'content') update(index, (turn) => ({ content: turn.content + event.text }));
        else if (event.type === 'reply') update(index, () => ({ result: event }));
        else if (event.type === 'error') update(index, () => ({ error: event.error.message }));
      }, controller.signal);
      update(index, (turn) => ({ status: 'done', error: turn.result || turn.error ? turn.error : 'The stream ended without a reply' }));
    } catch (error) {
      const message = controller.signal.aborted ? 'Stopped.' : error instanceof ApiError || error instanceof Error ? error.message : String(error);
      update(index, () => ({ status: 'done', error: message }));
    }
  }

  async function accept(index: number, proposedPrompt: string) {
    setAccepting(true);
    try {
      await onAccept(proposedPrompt, `AI edit: ${turns[index]!.instruction}`.slice(0, 200));
      update(index, () => ({ status: 'accepted' }));
    } catch (error) {
      update(index, () => ({ error: error instanceof Error ? error.message : String(error) }));
    } finally {
      setAccepting(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void send(instruction);
  }

  return (
    <Panel title="Edit with AI" description="Tell the AI what to change in the whole prompt or in the text selected in the editor. A proposed edit is shown as a diff; accepting saves a new version." testId="ai-edit-panel">
      <AiOffNote status={status} testId="ai-edit-disabled" />
      <ol className="ai-edit-turns" data-testid="ai-edit-turns">
        {turns.map((turn, index) => (
          <li key={index} className="ai-edit-turn" data-testid="ai-edit-turn">
            <p className="ai-edit-instruction">
              <strong>You</strong> <span className="muted">({turn.scope === 'selection' ? 'on the selection' : 'on the whole prompt'})</span>: {turn.instruction}
            </p>
            {turn.thinking && (
              <details className="ai-edit-thinking" data-testid="ai-edit-thinking">
                <summary>Thinking</summary>
                <pre>{turn.thinking}</pre>
              </details>
            )}
            {turn.status === 'streaming' && !turn.result && (
              <pre className="ai-edit-streaming" data-testid="ai-edit-streaming">
                {turn.content || 'Waiting for the model…'}
              </pre>
            )}
            {turn.result && <ReplyView turn={turn} last={index === turns.length - 1} accepting={accepting} onChoose={(text) => void send(text)} onAccept={(prompt) => void accept(index, prompt)} onReject={() => update(index, () => ({ status: 'rejected' }))} />}
            {turn.error && (
              <p className="note note--error" role="alert" data-testid="ai-edit-error">
                {turn.error}
              </p>
            )}
          </li>
        ))}
      </ol>
      <form className="form ai-edit-form" onSubmit={submit}>
        <textarea
          ref={inputRef}
          className="input"
          rows={3}
          aria-label="Instruction for the AI"
          placeholder={selection ? 'What should change in the selected text?' : 'What should change in the prompt?'}
          value={instruction}
          disabled={disabled}
          onChange={(event) => setInstruction(event.target.value)}
          data-testid="ai-edit-instruction"
        />
        <div className="ai-edit-actions">
          <span className="muted" data-testid="ai-edit-scope">
            {selection ? `Applies to the selection (${selection.text.length} characters)` : 'Applies to the whole prompt'}
          </span>
          <AiCallChoice organizationId={organizationId} value={choice} onChange={setChoice} testId="ai-edit" />
          {streaming ? (
            <button type="button" className="button button--ghost" onClick={() => abortRef.current?.abort()}>
              Stop
            </button>
          ) : (
            <PermissionButton permission="ai.use" type="submit" disabled={disabled || status.isPending || !instruction.trim()} title={disabled ? 'AI is off for this organization' : undefined} data-testid="ai-edit-send">
              Send
            </PermissionButton>
          )}
        </div>
      </form>
    </Panel>
  );
}

interface ReplyViewProps {
  turn: AiEditTurn;
  /** Only the latest reply's options and buttons act. */
  last: boolean;
  accepting: boolean;
  onChoose: (answer: string) => void;
  onAccept: (proposedPrompt: string) => void;
  onReject: () => void;
}

function ReplyView({ turn, last, accepting, onChoose, onAccept, onReject }: ReplyViewProps) {
  const { reply, proposedPrompt, diff } = turn.result!;
  if (reply.responseType === 'conversation') {
    return (
      <p className="ai-edit-message" data-testid="ai-edit-message">
        {reply.message}
      </p>
    );
  }
  if (reply.responseType === 'interview') {
    return (
      <div data-testid="ai-edit-interview">
        <p className="ai-edit-message">{reply.question}</p>
        <div className="ai-edit-options">
          {reply.options.map((option) => (
            <button key={option.label} type="button" className="button button--ghost" disabled={!last || turn.status !== 'done'} onClick={() => onChoose(`${option.label}: ${option.text}`)} data-testid="ai-edit-option">
              <strong>{option.label}</strong> {option.text}
            </button>
          ))}
        </div>
      </div>
    );
  }
  return (
    <div data-testid="ai-edit-proposal">
      <p className="ai-edit-message">
        {reply.editType === 'fragment' ? 'Proposed change to the selection' : 'Proposed prompt'}: {reply.explanation}
      </p>
      {diff && <TextDiffTable diff={diff} mode="inline" />}
      {turn.status === 'accepted' && <p className="note note--ok" data-testid="ai-edit-accepted">Accepted and saved as a new version.</p>}
      {turn.status === 'rejected' && <p className="muted" data-testid="ai-edit-rejected">Rejected.</p>}
      {turn.status === 'done' &&
        (proposedPrompt === null ? (
          <p className="note note--muted">The selected text is no longer in the prompt: apply the change by hand.</p>
        ) : (
          <div className="ai-edit-actions">
            <PermissionButton permission="prompt.write" disabled={accepting} onClick={() => onAccept(proposedPrompt)} data-testid="ai-edit-accept">
              {accepting ? 'Saving…' : 'Accept'}
            </PermissionButton>
            <button type="button" className="button button--ghost" onClick={onReject} data-testid="ai-edit-reject">
              Reject
            </button>
          </div>
        ))}
    </div>
  );
}
