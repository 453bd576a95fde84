import { useRef, useState } from 'react';

interface CopyFieldProps {
  /** What is being copied, for the label and the button's accessible name. */
  label: string;
  value: string;
  testId?: string;
}

/** A read-only value (a secret, a link) with a Copy button; selecting it by hand works too. */
export function CopyField({ label, value, testId }: CopyFieldProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select the text for Ctrl+C.
      inputRef.current?.select();
      setCopied('failed');
    }
  }

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
      <button type="button" className="button button--ghost" onClick={() => void copy()} aria-label={`Copy ${label}`}>
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'failed' && <p className="field-hint copy-field-hint">Selected — press Ctrl+C (⌘C) to copy.</p>}
    </div>
  );
}
