import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  /** A sentence under the title saying what this dialog does. */
  description?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** Wider dialogs for tables or long links. */
  wide?: boolean;
}

/**
 * A modal on the native <dialog>: focus is trapped, Escape closes it, the page behind is inert.
 * Rendered only while open, so its form state starts fresh every time.
 */
export function Dialog({ open, onClose, title, description, children, testId, wide = false }: DialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (open && dialog && !dialog.open) dialog.showModal();
  }, [open]);

  if (!open) return null;
  return (
    <dialog
      ref={dialogRef}
      className={wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      data-testid={testId}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        {description !== undefined && <p className="dialog-description">{description}</p>}
      </header>
      {children}
    </dialog>
  );
}

/** The row of buttons at the bottom of a dialog or form. */
export function DialogActions({ children }: { children: ReactNode }) {
  return <div className="dialog-actions">{children}</div>;
}
