import { lazy, Suspense } from 'react';
import { Panel } from '../app/Panel';
import type { ConnectGuideProps } from './ConnectGuide';

// The guide (prompt text, every client's config) loads when first shown, keeping the app's first load small.
const ConnectGuide = lazy(() => import('./ConnectGuide').then((module) => ({ default: module.ConnectGuide })));

/** The setup guide, loaded on demand. */
export function LazyConnectGuide(props: ConnectGuideProps) {
  return (
    <Suspense fallback={<p className="muted">Loading the setup guide…</p>}>
      <ConnectGuide {...props} />
    </Suspense>
  );
}

/** Onboarding: the SDK's environment, and a setup prompt and MCP config for AI coding assistants (issue #6). */
export function ConnectPanel({ projectName }: { projectName: string }) {
  return (
    <Panel
      title="Connect your app and your AI assistant"
      description={
        <>
          Your code fetches this project’s prompts with <code>@forprompt/sdk</code>; an AI coding assistant can read and write them through the ForPrompt MCP server.
        </>
      }
      testId="connect-panel"
    >
      <LazyConnectGuide projectName={projectName} />
    </Panel>
  );
}
