import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state';
import { Decoration, EditorView, keymap, MatchDecorator, placeholder as placeholderText, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { templateEditorClass, type TemplateEditorProps } from './TemplateEditor';

// The compiler's syntax (sdk/src/template.ts): `{{ name }}` is a variable and `\{{` a literal "{{".
// The escape is matched first so the decorator skips past it, as the compiler does: in `\{{name}}`
// nothing is a variable. Within a line, like the decorator, so `{{` and `}}` on separate lines are not
// highlighted.
const placeholderPattern = /\\\{\{|\{\{\s*[A-Za-z_][A-Za-z0-9_.-]*\s*\}\}/g;
const variableMark = Decoration.mark({ class: 'cm-template-variable' });
const escapeMark = Decoration.mark({ class: 'cm-template-escape' });
const placeholderMatcher = new MatchDecorator({
  regexp: placeholderPattern,
  decoration: (match) => (match[0] === '\\{{' ? escapeMark : variableMark),
});

const highlightPlaceholders = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = placeholderMatcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = placeholderMatcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

/** Marks the transactions that bring the editor in line with its `value` prop (they are not edits). */
const fromProps = Annotation.define<boolean>();

interface Settings {
  label: string;
  readOnly: boolean;
  id: string | undefined;
  invalid: boolean;
  describedBy: string | undefined;
}

function settingsExtension({ label, readOnly, id, invalid, describedBy }: Settings): Extension {
  return [
    EditorView.contentAttributes.of({
      'aria-label': label,
      ...(id !== undefined && { id }),
      ...(invalid && { 'aria-invalid': 'true' }),
      ...(describedBy !== undefined && { 'aria-describedby': describedBy }),
    }),
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
  ];
}

/** TemplateEditor's CodeMirror view: `{{variables}}` highlighted, lines wrapped, undo history. */
export function CodeMirrorTemplate({ value, onChange, onSelect, readOnly = false, placeholder, tall = false, testId, id, ...aria }: TemplateEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  const onSelectRef = useRef(onSelect);
  const [settingsCompartment] = useState(() => new Compartment());
  const label = aria['aria-label'];
  const invalid = aria['aria-invalid'] === true;
  const describedBy = aria['aria-describedby'];

  useLayoutEffect(() => {
    onChangeRef.current = onChange;
    onSelectRef.current = onSelect;
  });

  // One view for the component's life (deliberately no dependencies): later values and settings
  // reach it through the two effects below, so typing never rebuilds the editor or loses its undo.
  useEffect(() => {
    const view = new EditorView({
      parent: hostRef.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          highlightPlaceholders,
          placeholder ? placeholderText(placeholder) : [],
          settingsCompartment.of(settingsExtension({ label, readOnly, id, invalid, describedBy })),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !update.transactions.some((transaction) => transaction.annotation(fromProps))) {
              onChangeRef.current(update.state.doc.toString());
            }
            if (update.selectionSet || update.docChanged) {
              const { from, to } = update.state.selection.main;
              onSelectRef.current?.(from === to ? null : { text: update.state.sliceDoc(from, to), start: from, end: to });
            }
          }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, []);

  useEffect(() => {
    const view = viewRef.current;
    if (view && view.state.doc.toString() !== value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value }, annotations: fromProps.of(true) });
    }
  }, [value]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: settingsCompartment.reconfigure(settingsExtension({ label, readOnly, id, invalid, describedBy })) });
  }, [settingsCompartment, label, readOnly, id, invalid, describedBy]);

  return <div ref={hostRef} className={templateEditorClass(tall, invalid)} data-testid={testId} />;
}
