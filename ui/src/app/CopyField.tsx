import { useRef, useState } from 'react';

interface CopyFieldProps {
  /** What is being copied, for the label and the button's accessible name. */
  label: string;
  value: string;
  testId?: string;
}

/**
 * Copies `value`; without clipboard access (an insecure origin, a denied permission) it calls
 * `selectByHand` so Ctrl+C works, and says so.
 */
function useCopy(value: string, selectByHand: () => void) {
  // Kept with the value it is about, so "Copied" is not claimed for a value that has changed since.
  const [outcome, setOutcome] = useState<{ value: string; copied: 'yes' | 'failed' } | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setOutcome({ value, copied: 'yes' });
    } catch {
      selectByHand();
      setOutcome({ value, copied: 'failed' });
    }
  }
  return { copied: outcome?.value === value ? outcome.copied : null, copy };
}

function CopyButton({ label, copied, onCopy, small = false }: { label: string; copied: 'yes' | 'failed' | null; onCopy: () => Promise<void>; small?: boolean }) {
  return (
    <button type="button" className={small ? 'button button--ghost button--small' : 'button button--ghost'} onClick={() => void onCopy()} aria-label={`Copy ${label}`}>
      {copied === 'yes' ? 'Copied' : 'Copy'}
    </button>
  );
}

const selectedHint = <p className="field-hint copy-field-hint">Selected — press Ctrl+C (⌘C) to copy.</p>;

/** A read-only value (a secret, a link) with a Copy button; selecting it by hand works too. */
export function CopyField({ label, value, testId }: CopyFieldProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const { copied, copy } = useCopy(value, () => inputRef.current?.select());

  return (
    <div className="copy-field">
      <input
        ref={inputRef}
        className="input input--mono"
        readOnly
        value={value}
        aria-label={label}
        data-testid={testId}
        onFocus={(event) => event.currentTarget.select()}
      />
      <CopyButton label={label} copied={copied} onCopy={copy} />
      {copied === 'failed' && selectedHint}
    </div>
  );
}

/** Several lines (a config file, a prompt) with a Copy button above their top right corner. */
export function CopyBlock({ label, value, testId }: CopyFieldProps) {
  const preRef = useRef<HTMLPreElement>(null);
  const { copied, copy } = useCopy(value, () => {
    if (preRef.current) window.getSelection()?.selectAllChildren(preRef.current);
  });

  return (
    <div className="copy-block" data-testid={testId}>
      <div className="copy-block-bar">
        <span className="copy-block-label">{label}</span>
        <CopyButton label={label} copied={copied} onCopy={copy} small />
      </div>
      <pre ref={preRef} className="copy-block-text" tabIndex={0} aria-label={label}>
        {value}
      </pre>
      {copied === 'failed' && selectedHint}
    </div>
  );
}
