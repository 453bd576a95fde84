import { useState } from 'react';
import { hasChanges, totalsOf, type MessageDiff, type TextDiff, type VersionDiff } from './diffRows';
import { TextDiffTable, type DiffMode } from './TextDiffTable';

interface VersionDiffViewProps {
  diff: VersionDiff;
  /** What the sides are called: "v1", "production (v2)", "nothing deployed". */
  fromLabel: string;
  toLabel: string;
  testId?: string;
}

const modeStorageKey = 'forprompt.diff-mode';

/** The layout last picked, on every diff (side by side unless the user chose inline). */
function useDiffMode(): [DiffMode, (mode: DiffMode) => void] {
  const [mode, setMode] = useState<DiffMode>(() => {
    try {
      return window.localStorage.getItem(modeStorageKey) === 'inline' ? 'inline' : 'split';
    } catch {
      return 'split';
    }
  });
  const choose = (next: DiffMode) => {
    setMode(next);
    try {
      window.localStorage.setItem(modeStorageKey, next);
    } catch {
      // Storage disabled: the choice lasts while the diff is open.
    }
  };
  return [mode, choose];
}

/**
 * Two versions compared by the engine: the template line by line, or chat messages one card each,
 * then the model settings when they changed. Side by side or inline, as the user prefers.
 */
export function VersionDiffView({ diff, fromLabel, toLabel, testId = 'diff' }: VersionDiffViewProps) {
  const [mode, setMode] = useDiffMode();
  const totals = totalsOf(diff);
  return (
    <div className={`diff diff--${mode}`} data-testid={testId} data-mode={mode}>
      <div className="diff-header">
        <span>
          <span className="diff-from">{fromLabel}</span> → <span className="diff-to">{toLabel}</span>
        </span>
        {!diff.identical && (
          <span className="diff-stats" data-testid="diff-stats">
            <span className="diff-stat--added">+{totals.additions}</span> <span className="diff-stat--removed">−{totals.deletions}</span>
          </span>
        )}
        <span className="segmented" role="group" aria-label="Diff layout">
          {(['split', 'inline'] as const).map((option) => (
            <button key={option} type="button" className="segmented-option" aria-pressed={mode === option} onClick={() => setMode(option)} data-testid={`diff-mode-${option}`}>
              {option === 'split' ? 'Side by side' : 'Inline'}
            </button>
          ))}
        </span>
      </div>
      {diff.identical ? (
        <p className="diff-empty" data-testid="diff-identical">
          No differences: {fromLabel} and {toLabel} have the same {diff.type === 'chat' ? 'messages' : 'template'} and model settings.
        </p>
      ) : (
        <div className="diff-body">
          {diff.template && <TextDiffTable diff={diff.template} mode={mode} />}
          {diff.messages && <MessageDiffs messages={diff.messages} mode={mode} />}
          {hasChanges(diff.config) && (
            <section className="diff-section" data-testid="diff-config">
              <h3 className="diff-section-title">Model settings</h3>
              <TextDiffTable diff={diff.config} mode={mode} />
            </section>
          )}
        </div>
      )}
    </div>
  );
}

const statusBadges: Record<MessageDiff['status'], string> = {
  unchanged: 'badge',
  changed: 'badge badge--warn',
  added: 'badge badge--ok',
  removed: 'badge badge--error',
};

function MessageDiffs({ messages, mode }: { messages: MessageDiff[]; mode: DiffMode }) {
  return (
    <ol className="diff-messages">
      {messages.map((message, index) => (
        <li key={index} className={`diff-message diff-message--${message.status}`} data-testid="diff-message" data-status={message.status}>
          {message.status === 'unchanged' ? <UnchangedMessage message={message} mode={mode} /> : <MessageCard message={message} mode={mode} />}
        </li>
      ))}
    </ol>
  );
}

function MessageHeading({ message }: { message: MessageDiff }) {
  const position = (message.toIndex ?? message.fromIndex ?? 0) + 1;
  const roleChanged = message.fromRole !== null && message.toRole !== null && message.fromRole !== message.toRole;
  return (
    <span className="diff-message-heading">
      <span className="diff-message-position">Message {position}</span>
      {roleChanged ? (
        <span className="diff-role diff-role--changed" data-testid="diff-role-change">
          {message.fromRole} → {message.toRole}
        </span>
      ) : (
        <span className="diff-role">{message.toRole ?? message.fromRole}</span>
      )}
      <span className={statusBadges[message.status]} data-testid="diff-message-status">
        {message.status}
      </span>
    </span>
  );
}

function MessageCard({ message, mode }: { message: MessageDiff; mode: DiffMode }) {
  return (
    <>
      <div className="diff-message-header">
        <MessageHeading message={message} />
        <Counts diff={message.content} />
      </div>
      {message.content.parts.length === 0 ? <p className="diff-message-empty muted">Empty message</p> : <TextDiffTable diff={message.content} mode={mode} />}
    </>
  );
}

/** A message both versions share: one line saying so, its text on demand. */
function UnchangedMessage({ message, mode }: { message: MessageDiff; mode: DiffMode }) {
  const firstLine = message.content.parts[0]?.value.split('\n')[0] ?? '';
  return (
    <details className="diff-message-details">
      <summary className="diff-message-header" data-testid="diff-message-summary">
        <MessageHeading message={message} />
        <span className="diff-message-preview">{firstLine}</span>
      </summary>
      <TextDiffTable diff={message.content} mode={mode} />
    </details>
  );
}

function Counts({ diff }: { diff: TextDiff }) {
  return (
    <span className="diff-stats">
      <span className="diff-stat--added">+{diff.additions}</span> <span className="diff-stat--removed">−{diff.deletions}</span>
    </span>
  );
}
