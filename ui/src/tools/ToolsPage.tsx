import { EmptyState } from '../app/EmptyState';
import { PageShell } from '../app/PageShell';

export function ToolsPage() {
  return (
    <PageShell
      name="tools"
      title="Tools"
      description="The functions your agents can call, defined once and shared across prompts."
    >
      <EmptyState
        icon="tools"
        title="Tool library"
        notAvailableYet
        nextSteps={
          <p className="muted">This engine version does not store tools yet, so there is nothing to add here.</p>
        }
      >
        <p>
          Your organization's tool library will appear here: each function with its name, description, JSON Schema
          parameters and an example call. Tools will be linked to the prompts that use them and exportable as
          OpenAI or Anthropic tool definitions.
        </p>
      </EmptyState>
    </PageShell>
  );
}
