import { EmptyState } from '../app/EmptyState';
import { PageShell } from '../app/PageShell';

export function PromptsPage() {
  return (
    <PageShell
      name="prompts"
      title="Prompts"
      description="The system prompts your applications fetch at runtime, with their full history."
    >
      <EmptyState
        icon="prompts"
        title="Prompt management"
        notAvailableYet
        nextSteps={
          <p className="muted">
            This engine version does not serve a prompts API yet, so prompts can't be created or fetched. The routes
            it does serve are listed in its <a href="/api/openapi.json">API description</a>.
          </p>
        }
      >
        <p>
          Version-controlled prompts will appear here: every save is a new version, labels say which version
          production runs, and you can compare any two versions in a diff or roll back in one step.
        </p>
      </EmptyState>
    </PageShell>
  );
}
