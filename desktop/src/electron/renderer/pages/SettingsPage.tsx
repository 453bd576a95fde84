import { useState, type FormEvent } from 'react';
import type { DatabaseChoice, SettingsPatch, SettingsView } from '../../bridge.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { forprompt } from '../forprompt.js';

type DataSource = DatabaseChoice | 'convex';

const dataSources: { value: DataSource; label: string; hint: string }[] = [
  { value: 'auto', label: 'Automatic', hint: 'PostgreSQL in a container when Docker or Podman is found, else the embedded database.' },
  { value: 'container', label: 'Container engine', hint: 'PostgreSQL (and Ollama) in Docker or Podman; fails plainly when neither runs.' },
  { value: 'embedded', label: 'Embedded', hint: 'PostgreSQL run by ForPrompt itself, in its data folder. Nothing else to install.' },
  { value: 'external', label: 'External PostgreSQL', hint: 'A PostgreSQL 14+ server you run.' },
  { value: 'convex', label: 'Convex deployment', hint: 'Data in a Convex deployment.' },
];

const aiKeys = [
  { name: 'OPENROUTER_API_KEY', label: 'OpenRouter API key' },
  { name: 'OPENAI_API_KEY', label: 'OpenAI API key' },
  { name: 'ANTHROPIC_API_KEY', label: 'Anthropic API key' },
] as const;

interface Form {
  source: DataSource;
  externalDatabaseUrl: string;
  convexUrl: string;
  withOllama: boolean;
  ollamaModel: string;
  enginePort: string;
  everyHours: string;
  keep: string;
  env: Record<string, string>;
}

function toForm(settings: SettingsView): Form {
  return {
    source: settings.engineEnv.DATA_PROVIDER === 'convex' ? 'convex' : settings.database,
    externalDatabaseUrl: settings.externalDatabaseUrl ?? '',
    convexUrl: settings.engineEnv.CONVEX_URL ?? '',
    withOllama: settings.withOllama,
    ollamaModel: settings.ollamaModel,
    enginePort: String(settings.enginePort),
    everyHours: String(settings.backups.everyHours),
    keep: String(settings.backups.keep),
    env: settings.engineEnv,
  };
}

/** The settings the form changes; empty fields remove their variable from the engine's environment. */
function toPatch(form: Form, settings: SettingsView): SettingsPatch {
  const engineEnv: Record<string, string> = { ...form.env };
  delete engineEnv.DATA_PROVIDER;
  delete engineEnv.CONVEX_URL;
  if (form.source === 'convex') Object.assign(engineEnv, { DATA_PROVIDER: 'convex', CONVEX_URL: form.convexUrl.trim() });
  for (const [name, value] of Object.entries(engineEnv)) if (value.trim() === '') delete engineEnv[name];
  return {
    database: form.source === 'convex' ? settings.database : form.source,
    externalDatabaseUrl: form.source === 'external' ? form.externalDatabaseUrl.trim() : settings.externalDatabaseUrl,
    withOllama: form.withOllama,
    ollamaModel: form.ollamaModel.trim(),
    enginePort: Number(form.enginePort),
    backups: { ...settings.backups, everyHours: Number(form.everyHours), keep: Number(form.keep) },
    engineEnv,
  };
}

export function SettingsPage({ settings, onSaved }: { settings: SettingsView; onSaved: (settings: SettingsView) => void }) {
  const [form, setForm] = useState(() => toForm(settings));
  const [error, setError] = useState<Error>();
  const [saved, setSaved] = useState(false);
  const change = (patch: Partial<Form>) => {
    setSaved(false);
    setForm((previous) => ({ ...previous, ...patch }));
  };
  const setEnv = (name: string, value: string) => change({ env: { ...form.env, [name]: value } });
  const save = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    forprompt()
      .saveSettings(toPatch(form, settings))
      .then((next) => {
        setSaved(true);
        onSaved(next);
      }, setError);
  };
  return (
    <form className="settings" onSubmit={save}>
      <h1>Settings</h1>
      <fieldset>
        <legend>Where the data lives</legend>
        {dataSources.map((source) => (
          <label key={source.value} className="choice">
            <input type="radio" name="source" value={source.value} checked={form.source === source.value} onChange={() => change({ source: source.value })} />
            <span>
              <strong>{source.label}</strong> <span className="muted">{source.hint}</span>
            </span>
          </label>
        ))}
        {form.source === 'external' && (
          <label>
            Database URL
            <input value={form.externalDatabaseUrl} onChange={(event) => change({ externalDatabaseUrl: event.target.value })} placeholder="postgresql://user:password@host:5432/forprompt" required />
          </label>
        )}
        {form.source === 'convex' && (
          <label>
            Convex deployment URL
            <input type="url" value={form.convexUrl} onChange={(event) => change({ convexUrl: event.target.value })} placeholder="https://your-deployment.convex.cloud" required />
          </label>
        )}
      </fieldset>
      <fieldset>
        <legend>AI provider</legend>
        <label>
          Provider
          <select value={form.env.AI_PROVIDER ?? ''} onChange={(event) => setEnv('AI_PROVIDER', event.target.value)}>
            <option value="">The first one with a key</option>
            <option value="openrouter">OpenRouter</option>
            <option value="openai">OpenAI</option>
            <option value="anthropic">Anthropic</option>
            <option value="ollama">Ollama</option>
          </select>
        </label>
        {aiKeys.map((key) => (
          <label key={key.name}>
            {key.label}
            <input type="password" autoComplete="off" value={form.env[key.name] ?? ''} onChange={(event) => setEnv(key.name, event.target.value)} />
          </label>
        ))}
        <label className="choice">
          <input type="checkbox" checked={form.withOllama} onChange={(event) => change({ withOllama: event.target.checked })} />
          <span>Run Ollama in a container (local models; needs Docker or Podman)</span>
        </label>
        <label>
          Ollama model
          <input value={form.ollamaModel} onChange={(event) => change({ ollamaModel: event.target.value })} />
        </label>
        <label>
          Ollama URL (an Ollama you run yourself)
          <input value={form.env.OLLAMA_BASE_URL ?? ''} onChange={(event) => setEnv('OLLAMA_BASE_URL', event.target.value)} placeholder="http://localhost:11434" />
        </label>
      </fieldset>
      <fieldset>
        <legend>Engine and backups</legend>
        <label>
          Engine port
          <input type="number" min={1} max={65535} value={form.enginePort} onChange={(event) => change({ enginePort: event.target.value })} />
        </label>
        <label>
          Back up every (hours; 0 turns scheduled backups off)
          <input type="number" min={0} value={form.everyHours} onChange={(event) => change({ everyHours: event.target.value })} />
        </label>
        <label>
          Backups to keep
          <input type="number" min={1} value={form.keep} onChange={(event) => change({ keep: event.target.value })} />
        </label>
      </fieldset>
      <ErrorNotice error={error} />
      <div className="actions">
        <button type="submit" className="primary">
          Save
        </button>
        {saved && <span className="muted">Saved. Changes apply the next time ForPrompt starts.</span>}
      </div>
    </form>
  );
}
