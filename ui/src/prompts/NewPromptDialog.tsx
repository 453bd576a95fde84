import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { apiSend, fieldErrors } from '../app/api';
import { Dialog } from '../app/Dialog';
import { Field } from '../app/Field';
import { FormActions } from '../app/FormActions';
import { FormError } from '../app/FormError';
import { useToast } from '../app/Toasts';
import { useForm } from '../app/useForm';
import { PRODUCTION, promptsKey, promptsPath, type ChatMessage, type PromptKind } from './api';
import { MessagesEditor } from './MessagesEditor';
import { awaitingApproval, type WithPromotionRequests } from './promotions';
import { TemplateEditor, TemplateSyntaxHint } from './TemplateEditor';

interface NewPromptDialogProps {
  organizationId: string;
  projectId: string;
  projectName: string;
  onClose: () => void;
}

const shownFields = ['key', 'name', 'type', 'template', 'commitMessage', 'messages'];

/** Creates a prompt with its first version, optionally deployed to production at once. */
export function NewPromptDialog({ organizationId, projectId, projectName, onClose }: NewPromptDialogProps) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { values, bind, setValues } = useForm({ key: '', name: '', type: 'text', template: '', commitMessage: 'First version' });
  const [messages, setMessages] = useState<ChatMessage[]>([
    { role: 'system', content: '' },
    { role: 'user', content: '' },
  ]);
  const [deploy, setDeploy] = useState(false);
  const kind = values.type as PromptKind;

  const create = useMutation({
    mutationFn: () =>
      apiSend<WithPromotionRequests>('POST', promptsPath(organizationId, projectId), {
        key: values.key.trim(),
        ...(values.name.trim() && { name: values.name.trim() }),
        type: kind,
        ...(kind === 'text' ? { template: values.template } : { messages }),
        commitMessage: values.commitMessage.trim() || null,
        ...(deploy && { labels: [PRODUCTION] }),
      }),
    onSuccess: async (prompt) => {
      await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, projectId) });
      const waiting = awaitingApproval(prompt.promotionRequests);
      toast.success(waiting ? `Created ${prompt.key}; ${waiting}` : `Created ${prompt.key}`);
      onClose();
      void navigate(`/prompts/${encodeURIComponent(prompt.key)}`);
    },
  });
  const errors = fieldErrors(create.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <Dialog open wide onClose={onClose} title="New prompt" description={<>In project <strong>{projectName}</strong>. Applications fetch it by its key.</>} testId="new-prompt-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label="Key" error={errors.key} hint="Letters, digits, “.”, “_” or “-”, e.g. support.greeting">
            <input className="input input--mono" autoFocus autoComplete="off" spellCheck={false} {...bind('key')} data-testid="prompt-key" />
          </Field>
          <Field label="Name (optional)" error={errors.name} hint="Defaults to the key.">
            <input className="input" autoComplete="off" {...bind('name')} data-testid="prompt-name" />
          </Field>
        </div>
        <Field label="Type" error={errors.type}>
          <select className="select" {...bind('type')} data-testid="prompt-type">
            <option value="text">Text — one system prompt template</option>
            <option value="chat">Chat — a list of messages with roles</option>
          </select>
        </Field>
        {kind === 'text' ? (
          <Field label="Template" error={errors.template} hint={<TemplateSyntaxHint />}>
            <TemplateEditor aria-label="Template" value={values.template} onChange={(template) => setValues((current) => ({ ...current, template }))} testId="prompt-template" />
          </Field>
        ) : (
          <div className="field">
            <span className="field-label">Messages</span>
            <MessagesEditor messages={messages} onChange={setMessages} errors={errors} />
          </div>
        )}
        <Field label="Commit message" error={errors.commitMessage}>
          <input className="input" autoComplete="off" {...bind('commitMessage')} data-testid="prompt-commit-message" />
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={deploy} onChange={(event) => setDeploy(event.target.checked)} data-testid="prompt-deploy" />
          <span>
            Deploy to production — applications asking for <code>production</code> get this version at once
          </span>
        </label>
        <FormError error={create.error} fields={[...shownFields, ...messages.map((_, index) => `messages.${index}.content`)]} />
        <FormActions onCancel={onClose} pending={create.isPending} submitLabel="Create prompt" pendingLabel="Creating…" submitTestId="prompt-submit" />
      </form>
    </Dialog>
  );
}
