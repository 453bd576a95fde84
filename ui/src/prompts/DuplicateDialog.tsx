import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { apiSend, fieldErrors } from '../app/api';
import { Dialog } from '../app/Dialog';
import { Field } from '../app/Field';
import { FormActions } from '../app/FormActions';
import { FormError } from '../app/FormError';
import { useToast } from '../app/Toasts';
import { useForm } from '../app/useForm';
import { useWorkspace } from '../orgs/Workspace';
import { promptPath, promptsKey, type PromptSummary } from './api';

interface DuplicateDialogProps {
  organizationId: string;
  projectId: string;
  prompt: PromptSummary;
  onClose: () => void;
}

/** Copies a prompt with all its versions (not its labels) into this or another project, then opens the copy. */
export function DuplicateDialog({ organizationId, projectId, prompt, onClose }: DuplicateDialogProps) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { projects, selectProject } = useWorkspace();
  const { values, bind } = useForm({ targetProjectId: projectId, key: `${prompt.key}-copy`, name: prompt.name });
  const target = projects.find((project) => project.id === values.targetProjectId);

  const duplicate = useMutation({
    mutationFn: () =>
      apiSend<PromptSummary>('POST', `${promptPath(organizationId, projectId, prompt.key)}/duplicate`, {
        targetProjectId: values.targetProjectId,
        key: values.key.trim(),
        ...(values.name.trim() && { name: values.name.trim() }),
      }),
    onSuccess: async (copy) => {
      await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, values.targetProjectId) });
      toast.success(`Copied ${prompt.key} to ${copy.key}${values.targetProjectId === projectId ? '' : ` in ${target?.name ?? 'the other project'}`}`);
      onClose();
      if (values.targetProjectId !== projectId) selectProject(values.targetProjectId);
      void navigate(`/prompts/${encodeURIComponent(copy.key)}`);
    },
  });
  const errors = fieldErrors(duplicate.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    duplicate.mutate();
  }

  return (
    <Dialog
      open
      onClose={onClose}
      title={`Duplicate ${prompt.key}`}
      description="The copy gets every version, with their commit messages, and the details; labels stay with the original, so nothing is deployed."
      testId="duplicate-dialog"
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Into project" error={errors.targetProjectId}>
          <select className="select" {...bind('targetProjectId')} data-testid="duplicate-project">
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
                {project.id === projectId ? ' (this project)' : ''}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Key" error={errors.key} hint="Letters, digits, “.”, “_” or “-”. In another project the same key is fine.">
          <input className="input input--mono" autoComplete="off" spellCheck={false} {...bind('key')} data-testid="duplicate-key" />
        </Field>
        <Field label="Name" error={errors.name}>
          <input className="input" autoComplete="off" {...bind('name')} data-testid="duplicate-name" />
        </Field>
        <FormError error={duplicate.error} fields={['targetProjectId', 'key', 'name']} />
        <FormActions onCancel={onClose} pending={duplicate.isPending} submitLabel="Duplicate" pendingLabel="Copying…" submitTestId="duplicate-submit" />
      </form>
    </Dialog>
  );
}
