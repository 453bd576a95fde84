import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, type FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { Panel } from '../app/Panel';
import { useToast } from '../app/Toasts';
import { useForm } from '../app/useForm';
import { PermissionButton } from '../orgs/PermissionButton';
import { usePermission } from '../orgs/Workspace';
import { EnhanceFieldButton, MetadataAssist } from '../editing/MetadataAssist';
import { promptPath, promptsKey, type PromptMetadata, type PromptSummary } from './api';
import { CompletenessBar } from './CompletenessBar';
import { completenessFor, linkedToolsPointsOf, metadataFieldInfo, metadataFields, metadataFieldsInFormOrder, weightOf } from './completeness';

type DetailsValues = Record<'name' | 'description' | 'tags', string> & Record<keyof PromptMetadata, string>;

function valuesOf(prompt: PromptSummary): DetailsValues {
  const metadata = Object.fromEntries(metadataFields.map((field) => [field, prompt[field] ?? ''])) as Record<keyof PromptMetadata, string>;
  return { name: prompt.name, description: prompt.description ?? '', tags: prompt.tags.join(', '), ...metadata };
}

/** "support, onboarding , support" → ["support", "onboarding"]. */
const tagsOf = (text: string) => [...new Set(text.split(',').map((tag) => tag.trim()).filter(Boolean))];
const orNull = (text: string) => (text.trim() === '' ? null : text);

/** Only what changed, so a save never overwrites a field someone else edited meanwhile. */
function patchOf(values: DetailsValues, prompt: PromptSummary): Record<string, unknown> {
  const saved = valuesOf(prompt);
  const patch: Record<string, unknown> = {};
  if (values.name !== saved.name) patch.name = values.name.trim();
  if (values.description !== saved.description) patch.description = orNull(values.description.trim());
  if (tagsOf(values.tags).join(',') !== prompt.tags.join(',')) patch.tags = tagsOf(values.tags);
  for (const field of metadataFields) if (values[field] !== saved[field]) patch[field] = orNull(values[field]);
  return patch;
}

const shownFields = ['name', 'description', 'tags', ...metadataFields];

interface PromptDetailsProps {
  organizationId: string;
  projectId: string;
  prompt: PromptSummary;
  /** The latest version's text, for the AI helpers (empty without a version). */
  promptText: string;
  /** Hands an instruction to "Edit with AI". */
  onFixInEditor: (instruction: string) => void;
}

/** Name, description, tags and the metadata that says what the prompt is for; saving makes no version. */
export function PromptDetails({ organizationId, projectId, prompt, promptText, onFixInEditor }: PromptDetailsProps) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { allowed } = usePermission('prompt.write');
  const { values, bind, setValues } = useForm<DetailsValues>(valuesOf(prompt));
  const patch = patchOf(values, prompt);
  const unchanged = Object.keys(patch).length === 0;
  const linkedToolsPoints = linkedToolsPointsOf(prompt);
  const completeness = useMemo(() => completenessFor(Object.fromEntries(metadataFields.map((field) => [field, values[field]])) as PromptMetadata, linkedToolsPoints), [values, linkedToolsPoints]);

  const save = useMutation({
    mutationFn: () => apiSend<PromptSummary>('PATCH', promptPath(organizationId, projectId, prompt.key), patch),
    onSuccess: async (updated) => {
      setValues(valuesOf(updated));
      await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, projectId) });
      toast.success(`Saved the details of ${updated.key}`);
    },
  });
  const errors = fieldErrors(save.error);
  const tagsError = errors.tags ?? Object.entries(errors).find(([field]) => field.startsWith('tags.'))?.[1];

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <>
      <Panel title="Completeness" description="How much of what a teammate needs to know about this prompt is written down." testId="prompt-completeness">
        <CompletenessBar completeness={completeness} saved={prompt.completeness} linkedToolsPoints={linkedToolsPoints} />
      </Panel>
      <MetadataAssist
        organizationId={organizationId}
        projectId={projectId}
        promptText={promptText}
        metadata={Object.fromEntries(metadataFields.map((field) => [field, values[field]])) as Record<keyof PromptMetadata, string>}
        onFill={(filled) => setValues((current) => ({ ...current, ...filled }))}
        onFixInEditor={onFixInEditor}
      />
      <Panel title="Details" description="Saved on the prompt itself: changing them makes no new version and applications see no difference." testId="prompt-details">
        <form className="form" onSubmit={submit} noValidate>
          <div className="form-row">
            <Field label="Name" error={errors.name}>
              <input className="input" autoComplete="off" readOnly={!allowed} {...bind('name')} data-testid="details-name" />
            </Field>
            <Field label="Tags" error={tagsError} hint="Separated by commas, e.g. support, onboarding">
              <input className="input" autoComplete="off" readOnly={!allowed} {...bind('tags')} data-testid="details-tags" />
            </Field>
          </div>
          <Field label="Description" error={errors.description}>
            <textarea className="input textarea" rows={2} readOnly={!allowed} {...bind('description')} data-testid="details-description" />
          </Field>
          {metadataFieldsInFormOrder.map((field) => {
            const weight = weightOf(field);
            const { label, hint } = metadataFieldInfo[field];
            return (
              <div key={field}>
                <Field label={label} error={errors[field]} hint={`${hint} ${weight === undefined ? 'Not scored.' : `Counts ${weight} points.`}`}>
                  <textarea
                    className={field === 'referencePrompt' ? 'input textarea input--mono' : 'input textarea'}
                    rows={3}
                    readOnly={!allowed}
                    {...bind(field)}
                    data-testid={`details-${field}`}
                  />
                </Field>
                {allowed && (
                  <EnhanceFieldButton
                    organizationId={organizationId}
                    projectId={projectId}
                    field={field}
                    value={values[field]}
                    promptText={promptText}
                    onEnhanced={(enhanced) => setValues((current) => ({ ...current, [field]: enhanced }))}
                  />
                )}
              </div>
            );
          })}
          <FormError error={save.error} fields={[...shownFields, ...tagsOf(values.tags).map((_, index) => `tags.${index}`)]} />
          <div className="save-row">
            <PermissionButton permission="prompt.write" type="submit" disabled={unchanged || save.isPending} title={unchanged ? 'Nothing changed' : undefined} data-testid="save-details">
              {save.isPending ? 'Saving…' : 'Save details'}
            </PermissionButton>
            {!unchanged && allowed && (
              <button type="button" className="button button--ghost" onClick={() => setValues(valuesOf(prompt))}>
                Discard changes
              </button>
            )}
            {unchanged && save.isSuccess && <span className="muted" data-testid="details-saved">All changes saved</span>}
          </div>
        </form>
      </Panel>
    </>
  );
}
