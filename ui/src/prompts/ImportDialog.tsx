import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { apiSend } from '../app/api';
import { Dialog, DialogActions } from '../app/Dialog';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { useToast } from '../app/Toasts';
import { formatCountOf } from '../app/format';
import { promptsKey } from './api';
import { bundlePath, type ImportOptions, type ImportReport } from './bundle';
import { ImportReportTable } from './ImportReportTable';

interface ImportDialogProps {
  organizationId: string;
  projectId: string;
  projectName: string;
  onClose: () => void;
}

/** A file the user picked, read and parsed in the browser; the engine checks what is in it. */
type Picked = { name: string; size: number; bundle: unknown } | { name: string; problem: string };

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(bytes < 1_048_576 ? 2 : 1)} MB`;

/**
 * Imports a bundle exported from this or another install: a dry run first reports, prompt by prompt,
 * what would be created, updated or refused; importing then writes exactly that.
 */
export function ImportDialog({ organizationId, projectId, projectName, onClose }: ImportDialogProps) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [options, setOptions] = useState<ImportOptions>({ onConflict: 'skip', labels: true });
  const run = useMutation({
    mutationFn: ({ bundle, dryRun, with: chosen }: { bundle: unknown; dryRun: boolean; with: ImportOptions }) =>
      apiSend<ImportReport>('POST', bundlePath(organizationId, projectId), { bundle, dryRun, ...chosen }),
    onSuccess: async (report) => {
      if (report.dryRun) return;
      await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, projectId) });
      const { created, updated, merged } = report.summary;
      toast.success(`Imported into ${projectName}: ${created} created, ${updated + merged} updated`);
    },
  });
  const report = run.data;
  const imported = report !== undefined && !report.dryRun;
  const importable = report ? report.summary.created + report.summary.updated + report.summary.merged : 0;

  function check(bundle: unknown, chosen: ImportOptions) {
    run.mutate({ bundle, dryRun: true, with: chosen });
  }

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    run.reset();
    if (!file) return setPicked(null);
    try {
      const bundle: unknown = JSON.parse(await file.text());
      setPicked({ name: file.name, size: file.size, bundle });
      check(bundle, options);
    } catch (error) {
      setPicked({ name: file.name, problem: `${file.name} is not a JSON file (${error instanceof Error ? error.message : String(error)}).` });
    }
  }

  function choose(next: ImportOptions) {
    setOptions(next);
    if (picked && 'bundle' in picked) check(picked.bundle, next);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (picked && 'bundle' in picked && report?.dryRun && importable > 0) run.mutate({ bundle: picked.bundle, dryRun: false, with: options });
  }

  return (
    <Dialog open wide onClose={onClose} title={`Import prompts into ${projectName}`} description="From a bundle exported from this or another ForPrompt. Nothing is overwritten: versions are appended, differences reported." testId="import-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Bundle file" error={picked && 'problem' in picked ? picked.problem : undefined} hint="A .json file made with Export.">
          <input type="file" className="input" accept=".json,application/json" disabled={run.isPending || imported} onChange={(event) => void pick(event)} data-testid="import-file" />
        </Field>
        <fieldset className="import-options" disabled={run.isPending || imported}>
          <legend className="field-label">Options</legend>
          <label className="prompt-filter">
            <span className="prompt-filter-label">On conflict</span>
            <select
              className="select select--compact"
              value={options.onConflict}
              onChange={(event) => choose({ ...options, onConflict: event.target.value as ImportOptions['onConflict'] })}
              data-testid="import-on-conflict"
            >
              <option value="skip">skip the prompt</option>
              <option value="append">append the bundle's versions</option>
            </select>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={options.labels} onChange={(event) => choose({ ...options, labels: event.target.checked })} data-testid="import-labels" />
            <span>
              Move labels (like <code>production</code>) to where the bundle has them
            </span>
          </label>
        </fieldset>
        {run.isPending && picked && 'size' in picked && (
          <div className="progress-row" role="status" data-testid="import-progress">
            <span className="progress" aria-hidden="true">
              <span className="progress-bar" />
            </span>
            {run.variables?.dryRun ? `Uploading ${megabytes(picked.size)} and checking it…` : 'Importing…'}
          </div>
        )}
        <FormError error={run.error} />
        {report && !run.isPending && <ImportReportTable report={report} />}
        <DialogActions>
          <button type="button" className="button button--ghost" onClick={onClose}>
            {imported ? 'Done' : 'Cancel'}
          </button>
          {!imported && (
            <button type="submit" className="button" disabled={run.isPending || !report?.dryRun || importable === 0} data-testid="import-submit">
              {importable > 0 ? `Import ${formatCountOf(importable, 'prompt')}` : 'Import'}
            </button>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}
