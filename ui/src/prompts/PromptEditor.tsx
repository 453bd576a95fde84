import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { Panel } from '../app/Panel';
import { AiEditPanel, type AiEditChat, type HandedInstruction } from '../editing/AiEditPanel';
import type { EditSelection } from '../editing/api';
import { useToast } from '../app/Toasts';
import { PermissionButton } from '../orgs/PermissionButton';
import { usePermission } from '../orgs/Workspace';
import { promptPath, promptsKey, type PromptSummary, type PromptVersion } from './api';
import { MessagesEditor } from './MessagesEditor';
import { PreviewPanel } from './PreviewPanel';
import { analyseDraft, type Draft } from './template';
import { TemplateEditor, TemplateSyntaxHint } from './TemplateEditor';

interface PromptEditorProps {
  organizationId: string;
  projectId: string;
  prompt: PromptSummary;
  latest: PromptVersion | undefined;
  /** An instruction for "Edit with AI" (from an analysis finding). */
  handedInstruction?: HandedInstruction | null;
  onHandedInstructionTaken?: () => void;
  aiChat: AiEditChat;
}

function draftOf(prompt: PromptSummary, version: PromptVersion | undefined): Draft {
  if (prompt.kind === 'chat') return { kind: 'chat', messages: version?.messages ?? [{ role: 'system', content: '' }] };
  return { kind: 'text', template: version?.template ?? '' };
}

const noop = () => {};

const sameDraft = (a: Draft, b: Draft) => JSON.stringify(a) === JSON.stringify(b);

/** What AI editing works on: a text prompt's template, a chat prompt's first system message. */
function editableText(draft: Draft): string {
  return draft.kind === 'text' ? draft.template : (draft.messages.find((message) => message.role === 'system')?.content ?? '');
}

/** The draft with the AI's text in place of editableText's. */
function withEditedText(draft: Draft, text: string): Draft {
  if (draft.kind === 'text') return { kind: 'text', template: text };
  const at = draft.messages.findIndex((message) => message.role === 'system');
  if (at < 0) return { kind: 'chat', messages: [{ role: 'system', content: text }, ...draft.messages] };
  return { kind: 'chat', messages: draft.messages.map((message, index) => (index === at ? { ...message, content: text } : message)) };
}

/** The latest version in an editor; saving adds a version and never changes an existing one. */
export function PromptEditor({ organizationId, projectId, prompt, latest, handedInstruction = null, onHandedInstructionTaken = noop, aiChat }: PromptEditorProps) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { allowed } = usePermission('prompt.write');
  const saved = useMemo(() => draftOf(prompt, latest), [prompt, latest]);
  const [draft, setDraft] = useState<Draft>(saved);
  const [commitMessage, setCommitMessage] = useState('');
  const [selection, setSelection] = useState<EditSelection | null>(null);
  const analysis = useMemo(() => analyseDraft(draft), [draft]);
  const unchanged = sameDraft(draft, saved);

  const save = useMutation({
    // The editor's draft, or an accepted AI edit: either way one new version through the same route.
    mutationFn: (saving: { draft: Draft; commitMessage: string }) =>
      apiSend<{ version: PromptVersion }>('POST', `${promptPath(organizationId, projectId, prompt.key)}/versions`, {
        ...(saving.draft.kind === 'text' ? { template: saving.draft.template } : { messages: saving.draft.messages }),
        // The editor changes the text only; the model settings carry over to the new version.
        ...(latest && { config: latest.config }),
        commitMessage: saving.commitMessage.trim() || null,
      }),
    onSuccess: async (result) => {
      setCommitMessage('');
      await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, projectId) });
      toast.success(`Saved version ${result.version.version}`);
    },
  });
  const errors = fieldErrors(save.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ draft, commitMessage });
  }

  return (
    <>
      <Panel
        title="Editor"
        description={latest ? <>Starts from the latest version, v{latest.version}. Saving makes v{latest.version + 1}; earlier versions never change.</> : 'No version yet: saving makes version 1.'}
        testId="prompt-editor"
      >
        <form className="form" onSubmit={submit} noValidate>
          {draft.kind === 'text' ? (
            <Field label="Template" error={errors.template} hint={<TemplateSyntaxHint />}>
              <TemplateEditor
                aria-label="Template"
                tall
                readOnly={!allowed}
                value={draft.template}
                placeholder="You are a support agent for {{company}}…"
                onChange={(template) => setDraft({ kind: 'text', template })}
                onSelect={setSelection}
                testId="editor-template"
              />
            </Field>
          ) : (
            <MessagesEditor messages={draft.messages} onChange={(messages) => setDraft({ kind: 'chat', messages })} errors={errors} disabled={!allowed} />
          )}
          <div className="variable-chips" data-testid="variables">
            <span className="variable-chips-label">Variables</span>
            {analysis.variables.length === 0 ? (
              <span className="muted">None — add one with <code>{'{{name}}'}</code></span>
            ) : (
              analysis.variables.map((name) => (
                <span key={name} className="variable-chip" data-testid="variable-chip">
                  {`{{${name}}}`}
                </span>
              ))
            )}
          </div>
          {analysis.syntaxError && (
            <p className="note note--warn" data-testid="editor-syntax-warning">
              {analysis.syntaxError}. The engine will refuse this template until it is fixed.
            </p>
          )}
          <div className="save-row">
            <Field label="Commit message" error={errors.commitMessage}>
              <input
                className="input"
                placeholder="What changed and why"
                autoComplete="off"
                value={commitMessage}
                disabled={!allowed}
                onChange={(event) => setCommitMessage(event.target.value)}
                data-testid="editor-commit-message"
              />
            </Field>
            <PermissionButton permission="prompt.write" type="submit" disabled={unchanged || save.isPending} title={unchanged ? 'Nothing changed since the latest version' : undefined} data-testid="save-version">
              {save.isPending ? 'Saving…' : 'Save as new version'}
            </PermissionButton>
            {!unchanged && allowed && (
              <button type="button" className="button button--ghost" onClick={() => setDraft(saved)}>
                Discard changes
              </button>
            )}
          </div>
          <FormError error={save.error} fields={['template', 'commitMessage', ...(draft.kind === 'chat' ? draft.messages.map((_, index) => `messages.${index}.content`) : [])]} />
        </form>
      </Panel>
      <AiEditPanel
        organizationId={organizationId}
        projectId={projectId}
        currentPrompt={editableText(draft)}
        selection={draft.kind === 'text' ? selection : null}
        handed={handedInstruction}
        onHandedTaken={onHandedInstructionTaken}
        chat={aiChat}
        onAccept={(proposed, message) => save.mutateAsync({ draft: withEditedText(draft, proposed), commitMessage: message })}
      />
      <PreviewPanel draft={draft} variables={analysis.variables} syntaxError={analysis.syntaxError} />
    </>
  );
}
