import type { UseQueryResult } from '@tanstack/react-query';
import type { AiStatus } from './api';

/** What every AI panel says when the organization has no AI provider: that, and how to enable one. */
export function AiOffNote({ status, testId }: { status: UseQueryResult<AiStatus>; testId: string }) {
  if (status.data?.enabled !== false) return null;
  return (
    <p className="note note--muted" data-testid={testId}>
      <strong>AI is off for this organization.</strong> {status.data.hint}
    </p>
  );
}
