import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { Dialog } from '../app/Dialog';
import { Field } from '../app/Field';
import { FormActions } from '../app/FormActions';
import { FormError } from '../app/FormError';
import { useToast } from '../app/Toasts';
import { useForm } from '../app/useForm';
import { projectsKey, projectsPath, type Project } from './api';

interface ProjectFormDialogProps {
  organizationId: string;
  /** Absent: create a project. Present: rename or describe it. */
  project?: Project;
  open: boolean;
  onClose: () => void;
}

export function ProjectFormDialog({ project, open, onClose, organizationId }: ProjectFormDialogProps) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={project ? `Edit ${project.name}` : 'New project'}
      description={project ? 'The slug stays the same.' : 'A project holds prompts, traces and its own API keys.'}
      testId="project-dialog"
    >
      <ProjectForm organizationId={organizationId} project={project} onDone={onClose} />
    </Dialog>
  );
}

function ProjectForm({ organizationId, project, onDone }: { organizationId: string; project: Project | undefined; onDone: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { values, bind } = useForm({ name: project?.name ?? '', slug: '', description: project?.description ?? '' });
  const save = useMutation({
    mutationFn: () => {
      const description = values.description.trim() || null;
      if (project) return apiSend<Project>('PATCH', `${projectsPath(organizationId)}/${project.id}`, { name: values.name, description });
      return apiSend<Project>('POST', projectsPath(organizationId), {
        name: values.name,
        ...(values.slug.trim() && { slug: values.slug.trim() }),
        ...(description !== null && { description }),
      });
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: projectsKey(organizationId) });
      toast.success(project ? `Saved ${saved.name}` : `Created ${saved.name}`);
      onDone();
    },
  });
  const errors = fieldErrors(save.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field label="Name" error={errors.name}>
        <input className="input" autoFocus {...bind('name')} data-testid="project-name" />
      </Field>
      {!project && (
        <Field label="Slug (optional)" error={errors.slug} hint="Lower-case letters, digits and dashes; derived from the name when empty.">
          <input className="input input--mono" spellCheck={false} {...bind('slug')} data-testid="project-slug" />
        </Field>
      )}
      <Field label="Description (optional)" error={errors.description}>
        <textarea className="input textarea" rows={3} {...bind('description')} />
      </Field>
      <FormError error={save.error} fields={['name', 'slug', 'description']} />
      <FormActions onCancel={onDone} pending={save.isPending} submitLabel={project ? 'Save' : 'Create project'} pendingLabel="Saving…" submitTestId="project-submit" />
    </form>
  );
}
