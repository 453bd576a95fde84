import { useEngineConfig } from '../app/engineConfig';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { CopyBlock } from '../app/CopyField';
import { API_KEY_PLACEHOLDER, mcpClients, renderMcpConfig, type McpClient } from './mcpClients';
import { envLines, setupPrompt, type Connection } from './setupPrompt';

export interface ConnectGuideProps {
  projectName: string;
  /** A key just created, shown in the configs while its one-time dialog is open; never fetched. */
  apiKey?: string | undefined;
}

/** One tab per AI assistant: its setup prompt and MCP config, then the SDK's environment. */
export function ConnectGuide({ projectName, apiKey }: ConnectGuideProps) {
  // Claude Code by default: the setup prompt is for assistants that edit the code.
  const [clientId, setClientId] = useState('claude-code');
  const client = mcpClients.find((candidate) => candidate.id === clientId) ?? mcpClients[0]!;
  // The engine's PUBLIC_URL; until it loads, this page's origin (the engine serves the dashboard).
  const publicUrl = useEngineConfig().data?.publicUrl;
  const connection: Connection = { projectName, baseUrl: publicUrl ?? window.location.origin };
  // The Settings page can show two guides at once (its panel, and the new key's dialog).
  const idPrefix = useId();

  return (
    <div className="connect-guide">
      <p className="connect-target" data-testid="connect-target">
        Project <strong>{projectName}</strong> on <code>{connection.baseUrl}</code>
      </p>
      <ClientTabs idPrefix={idPrefix} current={client} onSelect={setClientId} />
      {/* Keyed by client, so a "Copied" on one tab does not show on the next. */}
      <div key={client.id} role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-${client.id}`} className="connect-steps">
        <section className="connect-step">
          <h3 className="connect-step-title">Ask {client.title} to set it up</h3>
          <p className="field-hint">
            Paste this into {client.title}’s chat: the assistant installs the SDK, fetches and traces prompts from your code, and adds the MCP server.
            The prompt never contains your API key.
          </p>
          <CopyBlock label="Setup prompt" value={setupPrompt(connection, client)} testId="connect-setup-prompt" />
        </section>
        <section className="connect-step">
          <h3 className="connect-step-title">Or add the MCP server to {client.title} yourself</h3>
          <p className="field-hint">
            {client.instructions} File: <code>{client.file}</code>. <code>npx forprompt mcp config {client.id}</code> prints the same.
          </p>
          <CopyBlock label={`${client.title} MCP config`} value={renderMcpConfig(client, connection.baseUrl, apiKey)} testId="connect-mcp-config" />
        </section>
        <section className="connect-step">
          <h3 className="connect-step-title">Environment for the SDK</h3>
          <p className="field-hint">
            For your app’s <code>.env</code> (keep it out of version control).{' '}
            {apiKey ? (
              'With the new key filled in; it is not shown again once this dialog closes.'
            ) : (
              <>
                Replace the placeholder with a project key from <Link to="/settings/api-keys">Settings › API keys</Link>; a key is shown only when it is created.
              </>
            )}
          </p>
          <CopyBlock label="SDK environment" value={envLines(connection, apiKey ?? API_KEY_PLACEHOLDER)} testId="connect-env" />
        </section>
      </div>
    </div>
  );
}

function ClientTabs({ idPrefix, current, onSelect }: { idPrefix: string; current: McpClient; onSelect: (clientId: string) => void }) {
  return (
    <div className="tabs" role="tablist" aria-label="AI assistant">
      {mcpClients.map((client) => (
        <button
          key={client.id}
          type="button"
          role="tab"
          id={`${idPrefix}-${client.id}`}
          aria-controls={`${idPrefix}-panel`}
          aria-selected={client.id === current.id}
          className="tab tab--button"
          onClick={() => onSelect(client.id)}
          data-testid={`connect-tab-${client.id}`}
        >
          {client.title}
        </button>
      ))}
    </div>
  );
}
