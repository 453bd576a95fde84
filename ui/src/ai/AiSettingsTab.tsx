import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { Panel } from '../app/Panel';
import { QueryFallback } from '../app/Table';
import { useToast } from '../app/Toasts';
import { AiOffNote } from '../analysis/AiOffNote';
import { aiStatusKey } from '../analysis/api';
import { PermissionButton } from '../orgs/PermissionButton';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import { aiPath, providerNames, saveAiSetting, sourceNames, useAiOverview, useProviderModels, type AiOverview, type ProviderCheck } from './api';
import { defaultProviderLabel, ProviderPicker } from './ProviderPicker';

/** Settings › AI: whether the organization has AI and with what, its choice of provider and default model, and a check. */
export function AiSettingsTab() {
  const { organization } = useWorkspace();
  return (
    <div className="settings-tab" data-testid="settings-ai">
      <RequireOrganization>{organization && <AiSettingsPanels organizationId={organization.id} />}</RequireOrganization>
    </div>
  );
}

function AiSettingsPanels({ organizationId }: { organizationId: string }) {
  const overview = useAiOverview(organizationId);
  if (!overview.isSuccess) return <QueryFallback query={overview} what="AI settings" />;
  const { setting } = overview.data;
  return (
    <>
      <Panel title="AI for this organization" description="What the AI features (analysis, editing, tests, reports) use." testId="ai-status">
        <AiStatusFacts overview={overview.data} />
        <AiOffNote status={overview} testId="ai-settings-off" />
        {overview.data.notice && (
          <p className="note note--warn" data-testid="ai-notice">
            {overview.data.notice}
          </p>
        )}
        <p className="muted settings-hint">
          Bring your own key under <Link to="/settings/provider-keys">Provider keys</Link>; it then appears among the providers below.
        </p>
      </Panel>
      <AiSettingForm key={`${setting.provider}:${setting.model}`} organizationId={organizationId} overview={overview.data} />
      <ProviderCheckPanel organizationId={organizationId} enabled={overview.data.enabled} />
    </>
  );
}

function AiStatusFacts({ overview }: { overview: AiOverview }) {
  return (
    <dl className="settings-list" data-testid="ai-status-facts">
      <dt>AI</dt>
      <dd data-testid="ai-enabled">{overview.enabled ? 'On' : 'Off'}</dd>
      {overview.provider && overview.source && (
        <>
          <dt>Provider</dt>
          <dd data-testid="ai-provider">{providerNames[overview.provider]}</dd>
          <dt>Source</dt>
          <dd data-testid="ai-source">{sourceNames[overview.source]}</dd>
          <dt>Default model</dt>
          <dd data-testid="ai-default-model">{overview.defaultModel ?? 'The first model the server lists'}</dd>
        </>
      )}
    </dl>
  );
}

function AiSettingForm({ organizationId, overview }: { organizationId: string; overview: AiOverview }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { allowed } = usePermission('providerkey.manage');
  const [provider, setProvider] = useState(overview.setting.provider);
  const [model, setModel] = useState(overview.setting.model ?? '');
  const modelsId = useId();
  const listed = provider ?? overview.instanceDefault;
  const models = useProviderModels(organizationId, listed, listed !== null);
  const ownDefault = overview.available.find((each) => each.provider === listed)?.defaultModel;
  const save = useMutation({
    mutationFn: () => saveAiSetting(organizationId, { provider, model: model.trim() || null }),
    onSuccess: async (saved) => {
      queryClient.setQueryData(aiStatusKey(organizationId), saved);
      await queryClient.invalidateQueries({ queryKey: aiStatusKey(organizationId) });
      toast.success('AI settings saved');
    },
  });
  const errors = fieldErrors(save.error);
  const unchanged = provider === overview.setting.provider && (model.trim() || null) === overview.setting.model;

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <Panel title="Provider and default model" description="Every AI feature of the organization uses them, unless someone picks another for one call (e.g. in Edit with AI)." testId="ai-setting">
      <form className="form form--narrow" onSubmit={submit} noValidate>
        <Field label="Provider" error={errors.provider} hint="The instance's provider, or one of the organization's provider keys.">
          <ProviderPicker
            available={overview.available}
            value={provider}
            onChange={(next) => {
              setProvider(next);
              // A model names one provider's model: another provider starts from its own default.
              setModel('');
            }}
            defaultLabel={defaultProviderLabel('Instance default', overview.instanceDefault)}
            disabled={!allowed}
            testId="ai-setting-provider"
          />
        </Field>
        <Field label="Default model" error={errors.model} hint={`Pick or type a model; empty for the provider's default${ownDefault ? ` (${ownDefault})` : ''}.`}>
          <input className="input" list={modelsId} value={model} placeholder={ownDefault ?? 'Provider default'} disabled={!allowed} onChange={(event) => setModel(event.target.value)} data-testid="ai-setting-model" />
        </Field>
        <datalist id={modelsId} data-testid="ai-setting-models">
          {models.data?.models.map((each) => (
            <option key={each.id} value={each.id}>
              {each.name ?? each.id}
            </option>
          ))}
        </datalist>
        {!allowed && <p className="note note--muted">Admins and owners choose the organization's provider and model.</p>}
        <div>
          <PermissionButton permission="providerkey.manage" type="submit" disabled={save.isPending || unchanged} data-testid="ai-setting-save">
            {save.isPending ? 'Saving…' : 'Save'}
          </PermissionButton>
        </div>
      </form>
      <FormError error={save.error} fields={['provider', 'model']} />
    </Panel>
  );
}

function ProviderCheckPanel({ organizationId, enabled }: { organizationId: string; enabled: boolean }) {
  const check = useMutation({ mutationFn: () => apiSend<ProviderCheck>('POST', `${aiPath(organizationId)}/test`, {}) });
  return (
    <Panel
      title="Test the provider"
      description="Sends a tiny chat with the saved provider and model (a few tokens, recorded as usage)."
      testId="ai-check"
      actions={
        <PermissionButton permission="ai.use" disabled={!enabled || check.isPending} title={enabled ? undefined : 'AI is off for this organization'} onClick={() => check.mutate()} data-testid="ai-check-run">
          {check.isPending ? 'Testing…' : 'Test'}
        </PermissionButton>
      }
    >
      {check.data && <CheckResult result={check.data} />}
      <FormError error={check.error} />
    </Panel>
  );
}

function CheckResult({ result }: { result: ProviderCheck }) {
  const where = `${providerNames[result.provider]}${result.model ? `, ${result.model}` : ''}, ${result.latencyMs} ms`;
  if (result.ok) {
    return (
      <p className="note note--ok" data-testid="ai-check-ok">
        <strong>OK</strong> ({where}). Reply: “{result.reply}”
      </p>
    );
  }
  return (
    <p className="note note--error" data-testid="ai-check-failed">
      <strong>{result.error.code}</strong> ({where}): {result.error.message}
    </p>
  );
}
