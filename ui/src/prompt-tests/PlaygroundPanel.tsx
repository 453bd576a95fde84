import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { AiCallChoice, choiceFields, organizationDefaults } from '../ai/AiCallChoice';
import { AiOffNote } from '../analysis/AiOffNote';
import { useAiStatus } from '../analysis/api';
import { FormError } from '../app/FormError';
import { formatCountOf } from '../app/format';
import { Panel } from '../app/Panel';
import { PermissionButton } from '../orgs/PermissionButton';
import type { PromptVersion } from '../prompts/api';
import { formatModel, playgroundTurn, promptTestStatsKey, useVersionStats, versionStatsKey, type PlaygroundReply, type VersionStats } from './api';
import { VersionPicker } from './pickers';
import './prompt-tests.css';

interface PlaygroundPanelProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  /** Newest first. */
  versions: PromptVersion[];
}

type Turn = { role: 'user' | 'assistant'; content: string };

/**
 * Chats with a version (its variables filled in) on a chosen provider and model. Each answer is stored as a test
 * result of the version; its tokens, latency and the version's new averages show under the chat.
 */
export function PlaygroundPanel({ organizationId, projectId, promptKey, versions }: PlaygroundPanelProps) {
  const [chosenVersion, setChosenVersion] = useState<number | null>(versions[0]?.version ?? null);
  const version = versions.find((each) => each.version === chosenVersion) ?? versions[0] ?? null;
  const [choice, setChoice] = useState(organizationDefaults);
  const [variables, setVariables] = useState<Record<string, string>>({});
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const [last, setLast] = useState<PlaygroundReply | null>(null);
  const status = useAiStatus(organizationId);
  const disabled = status.data?.enabled === false;
  const stats = useVersionStats(organizationId, projectId, promptKey, version?.version ?? null);
  const queryClient = useQueryClient();
  const send = useMutation({
    mutationFn: (conversation: Turn[]) =>
      playgroundTurn(organizationId, projectId, promptKey, version!.version, { ...choiceFields(choice), variables: pick(variables, version!.variables), messages: conversation }),
    onSuccess: (reply, conversation) => {
      setTurns([...conversation, { role: 'assistant', content: reply.response }]);
      setLast(reply);
      queryClient.setQueryData(versionStatsKey(organizationId, projectId, promptKey, version!.version), reply.versionStats);
      void queryClient.invalidateQueries({ queryKey: promptTestStatsKey(organizationId, projectId, promptKey) });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim() || !version) return;
    const conversation: Turn[] = [...turns, { role: 'user', content: draft.trim() }];
    setTurns(conversation);
    setDraft('');
    send.mutate(conversation);
  };
  const restart = () => {
    setTurns([]);
    setLast(null);
    send.reset();
  };

  return (
    <Panel
      title="Playground"
      description="Chat with a version on any provider and model. Each answer is stored as a test of the version, with its tokens and latency."
      testId="playground-panel"
    >
      <AiOffNote status={status} testId="playground-disabled" />
      {!version && <p className="muted">Save a version first.</p>}
      {version && (
        // In the panel's body rather than its header: the provider and model pickers need the width.
        <div className="tests-actions playground-choice">
          <VersionPicker versions={versions} value={version.version} onChange={(next) => { setChosenVersion(next); restart(); }} label="Playground version" testId="playground-version" />
          <AiCallChoice organizationId={organizationId} value={choice} onChange={setChoice} testId="playground" />
        </div>
      )}
      {version && version.variables.length > 0 && (
        <div className="tests-variables" data-testid="playground-variables">
          {version.variables.map((name) => (
            <label key={name} className="field">
              <span className="field-label">
                <code>{`{{${name}}}`}</code>
              </span>
              <input className="input" value={variables[name] ?? ''} onChange={(event) => setVariables({ ...variables, [name]: event.target.value })} data-testid={`playground-variable-${name}`} />
            </label>
          ))}
        </div>
      )}
      {turns.length > 0 && (
        <ol className="playground-chat" data-testid="playground-chat">
          {turns.map((turn, index) => (
            <li key={index} className={`playground-turn playground-turn--${turn.role}`}>
              <span className="playground-role">{turn.role === 'user' ? 'You' : 'Model'}</span>
              <p>{turn.content}</p>
            </li>
          ))}
        </ol>
      )}
      {version && (
        <form className="playground-form" onSubmit={submit}>
          <textarea className="input textarea" rows={2} placeholder="Message…" value={draft} onChange={(event) => setDraft(event.target.value)} disabled={disabled} data-testid="playground-message" />
          <div className="tests-actions">
            <PermissionButton permission="ai.use" type="submit" disabled={disabled || status.isPending || send.isPending || !draft.trim()} data-testid="playground-send">
              {send.isPending ? 'Answering…' : 'Send'}
            </PermissionButton>
            {turns.length > 0 && (
              <button type="button" className="button button--ghost" onClick={restart}>
                New chat
              </button>
            )}
          </div>
        </form>
      )}
      <FormError error={send.error} />
      {last && (
        <p className="muted playground-stats" data-testid="playground-stats">
          Last answer: {formatModel(last.provider, last.model)} · {last.tokens} tokens ({last.usage.inputTokens} in, {last.usage.outputTokens} out) · {last.responseTime} ms
        </p>
      )}
      {version && stats.data && <AverageLine version={version.version} stats={stats.data} />}
    </Panel>
  );
}

function AverageLine({ version, stats }: { version: number; stats: VersionStats }) {
  const round = (value: number | null, unit: string) => (value === null ? '—' : `${Math.round(value)} ${unit}`);
  return (
    <p className="muted" data-testid="playground-version-stats">
      v{version}: {formatCountOf(stats.testCount, 'test')} · average {round(stats.avgTokens, 'tokens')} · average latency {round(stats.avgLatencyMs, 'ms')}
    </p>
  );
}

/** Only the version's own variables are sent: values typed for another version stay behind. */
function pick(values: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => values[name] !== undefined).map((name) => [name, values[name]!]));
}
