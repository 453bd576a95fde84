import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiSend } from '../app/api';
import { Dialog } from '../app/Dialog';
import { FormActions } from '../app/FormActions';
import { FormError } from '../app/FormError';
import { useToast } from '../app/Toasts';
import { usePermission } from '../orgs/Workspace';
import { PRODUCTION, promptPath, promptsKey, STAGING, type PromptSummary, type PromptVersion } from './api';
import { labelNameProblem } from './labels';
import { awaitingApproval, useProtectedLabels, type WithPromotionRequests } from './promotions';

interface SetLabelDialogProps {
  organizationId: string;
  projectId: string;
  prompt: PromptSummary;
  target: PromptVersion;
  onClose: () => void;
}

const NEW_LABEL = '';

/** Why a typed label can't be set here, or null when it can. */
function problemWith(label: string): string | null {
  if (label === PRODUCTION) return 'Production is moved with “Deploy to production”, which shows what changes first.';
  return labelNameProblem(label);
}

/** Points a label other than production (staging, canary, a customer's name…) at a version. */
export function SetLabelDialog({ organizationId, projectId, prompt, target, onClose }: SetLabelDialogProps) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const existing = Object.keys(prompt.labels).filter((label) => label !== 'latest' && label !== PRODUCTION);
  const choices = [...new Set([STAGING, ...existing])].sort((a, b) => (a === STAGING ? -1 : b === STAGING ? 1 : a.localeCompare(b)));
  const firstFree = choices.find((label) => prompt.labels[label] !== target.version);
  const [choice, setChoice] = useState(firstFree ?? NEW_LABEL);
  const [custom, setCustom] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const label = choice === NEW_LABEL ? custom.trim() : choice;
  const problem = choice !== NEW_LABEL ? null : label !== '' ? problemWith(label) : submitted ? 'Type a name for the new label.' : null;
  const protectedLabels = useProtectedLabels(organizationId, projectId);
  const { allowed: movesProtected } = usePermission('label.protected.move');
  // Only for those whose move of a protected label becomes a request.
  const asksFor = (name: string) => !movesProtected && (protectedLabels.data?.some((entry) => entry.label === name) ?? false);

  const move = useMutation({
    mutationFn: () => apiSend<WithPromotionRequests>('PATCH', `${promptPath(organizationId, projectId, prompt.key)}/labels`, { labels: { [label]: target.version } }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, projectId) });
      toast.success(awaitingApproval(result.promotionRequests) ?? `${label} now points at v${target.version} of ${prompt.key}`);
      onClose();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (label !== '' && problem === null) move.mutate();
  }

  return (
    <Dialog
      open
      onClose={onClose}
      title={`Set a label on v${target.version}`}
      description={<>Applications asking for the label get this version. Production has its own deploy, with a diff.</>}
      testId="set-label-dialog"
    >
      <form className="form" onSubmit={submit} noValidate>
        <fieldset className="label-choices">
          <legend className="field-label">Label</legend>
          {choices.map((name) => {
            const current = prompt.labels[name];
            const here = current === target.version;
            return (
              <label key={name} className="label-choice">
                <input type="radio" name="label" value={name} checked={choice === name} disabled={here} onChange={() => setChoice(name)} data-testid={`label-choice-${name}`} />
                <code>{name}</code>
                <span className="muted">{here ? 'already on this version' : current === undefined ? 'not set yet' : `now on v${current}`}</span>
                {asksFor(name) && (
                  <span className="badge badge--warn" title="Protected: moving it asks an admin for approval">
                    protected
                  </span>
                )}
              </label>
            );
          })}
          <label className="label-choice">
            <input type="radio" name="label" value={NEW_LABEL} checked={choice === NEW_LABEL} onChange={() => setChoice(NEW_LABEL)} data-testid="label-choice-new" />
            <span>New label</span>
            <input
              className="input input--mono label-choice-input"
              placeholder="e.g. canary"
              aria-label="New label name"
              autoComplete="off"
              spellCheck={false}
              value={custom}
              aria-invalid={problem ? true : undefined}
              onFocus={() => setChoice(NEW_LABEL)}
              onChange={(event) => setCustom(event.target.value)}
              data-testid="label-custom"
            />
          </label>
          {problem && (
            <p className="field-error" data-testid="field-error">
              {problem}
            </p>
          )}
        </fieldset>
        <FormError error={move.error} />
        <FormActions
          onCancel={onClose}
          pending={move.isPending}
          submitLabel={label ? `Point ${label} at v${target.version}` : `Set label on v${target.version}`}
          pendingLabel="Setting…"
          submitTestId="set-label-submit"
        />
      </form>
    </Dialog>
  );
}
