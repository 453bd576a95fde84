import { lazy, Suspense } from 'react';

// CodeMirror is a third of the dashboard's code: it loads with the first editor shown, not with the app.
const CodeMirrorTemplate = lazy(() => import('./CodeMirrorTemplate').then((module) => ({ default: module.CodeMirrorTemplate })));

export interface TemplateEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** The editor's accessible name ("Template", "Content of message 2"). */
  'aria-label': string;
  readOnly?: boolean;
  placeholder?: string;
  /** Room for a whole template rather than one chat message. */
  tall?: boolean;
  testId?: string;
  /** The selected text and its offsets as the user selects (null when nothing is selected). */
  onSelect?: (selection: { text: string; start: number; end: number } | null) => void;
  // Set by Field, like on its other controls.
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

export const templateEditorClass = (tall: boolean, invalid: boolean) =>
  ['template-editor', tall && 'template-editor--tall', invalid && 'template-editor--invalid'].filter(Boolean).join(' ');

/**
 * A prompt template editor (CodeMirror): `{{variables}}` highlighted, lines wrapped, undo history.
 * Controlled: the text lives in the parent; the editable element is `.cm-content` (role textbox).
 */
export function TemplateEditor(props: TemplateEditorProps) {
  // Until CodeMirror has loaded: the text as it will appear, so nothing jumps.
  const loading = (
    <div className={templateEditorClass(props.tall ?? false, props['aria-invalid'] === true)}>
      <pre className="template-editor-loading">{props.value || ' '}</pre>
    </div>
  );
  return (
    <Suspense fallback={loading}>
      <CodeMirrorTemplate {...props} />
    </Suspense>
  );
}

/** The field hint for template syntax, under every template editor. */
export function TemplateSyntaxHint() {
  return (
    <>
      Write <code>{'{{name}}'}</code> where a value goes; <code>{'\\{{'}</code> is a literal “{'{{'}”.
    </>
  );
}
