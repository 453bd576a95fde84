import { useMutation } from '@tanstack/react-query';
import { apiSend } from '../app/api';
import { FormError } from '../app/FormError';
import { Panel } from '../app/Panel';
import { AiOffNote } from '../analysis/AiOffNote';
import { useAiStatus } from '../analysis/api';
import { PermissionButton } from '../orgs/PermissionButton';
import type { PromptMetadata } from '../prompts/api';
import './editing.css';

type MetadataField = keyof PromptMetadata;
type MetadataValues = Record<MetadataField, string>;

interface Suggestion {
  id: string;
  issue: string;
  suggestion: string;
  enhancedText: string;
  priority: 'high' | 'medium' | 'low';
}

const aiPath = (organizationId: string, projectId: string, action: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/ai/${action}`;

interface MetadataAssistProps {
  organizationId: string;
  projectId: string;
  /** The latest version's text (empty without one). */
  promptText: string;
  metadata: MetadataValues;
  /** Puts values into the form (the user reviews, then saves). */
  onFill: (values: Partial<MetadataValues>) => void;
  /** Hands an instruction to "Edit with AI" on the Template tab. */
  onFixInEditor: (instruction: string) => void;
}

/** The form's AI helpers: extract the fields from the prompt, suggest enhancements, generate a prompt from the fields. */
export function MetadataAssist({ organizationId, projectId, promptText, metadata, onFill, onFixInEditor }: MetadataAssistProps) {
  const status = useAiStatus(organizationId);
  const extract = useMutation({
    mutationFn: () => apiSend<Partial<MetadataValues>>('POST', aiPath(organizationId, projectId, 'extract-metadata'), { prompt: promptText }),
    onSuccess: (extracted) => onFill(Object.fromEntries(Object.entries(extracted).filter(([, value]) => value?.trim())) as Partial<MetadataValues>),
  });
  const suggest = useMutation({ mutationFn: () => apiSend<{ suggestions: Suggestion[] }>('POST', aiPath(organizationId, projectId, 'suggestions'), { prompt: promptText }) });
  const generate = useMutation({
    mutationFn: () =>
      apiSend<{ systemPrompt: string; explanation: string }>('POST', aiPath(organizationId, projectId, 'generate-prompt'), {
        metadata: Object.fromEntries(Object.entries(metadata).map(([field, value]) => [field, value.trim() ? value : null])),
      }),
  });
  const disabled = status.data?.enabled === false;
  const noPrompt = promptText.trim() === '';

  return (
    <Panel title="AI assistance" description="Fill the fields from the prompt, get enhancement suggestions, or write a prompt from the fields. Nothing is saved until you save." testId="metadata-assist">
      {disabled ? (
        <AiOffNote status={status} testId="metadata-assist-disabled" />
      ) : (
        <div className="ai-edit-actions">
          <PermissionButton permission="ai.use" className="button button--ghost" disabled={noPrompt || extract.isPending} title={noPrompt ? 'Save a version first' : undefined} onClick={() => extract.mutate()} data-testid="extract-metadata">
            {extract.isPending ? 'Reading the prompt…' : 'Extract fields from the prompt'}
          </PermissionButton>
          <PermissionButton permission="ai.use" className="button button--ghost" disabled={noPrompt || suggest.isPending} onClick={() => suggest.mutate()} data-testid="suggest-enhancements">
            {suggest.isPending ? 'Suggesting…' : 'Suggest enhancements'}
          </PermissionButton>
          <PermissionButton permission="ai.use" className="button button--ghost" disabled={generate.isPending} onClick={() => generate.mutate()} data-testid="generate-prompt">
            {generate.isPending ? 'Writing…' : 'Generate a prompt from the fields'}
          </PermissionButton>
        </div>
      )}
      <FormError error={extract.error ?? suggest.error ?? generate.error} />
      {extract.isSuccess && <p className="muted" data-testid="extract-done">Filled in the fields the prompt describes; review them, then save.</p>}
      {suggest.data && (
        <ul className="plain-list" data-testid="enhancement-suggestions">
          {suggest.data.suggestions.length === 0 && <li className="muted">No suggestions.</li>}
          {suggest.data.suggestions.map((item) => (
            <li key={item.id} className="analysis-item">
              <span>
                <span className="badge">{item.priority}</span> <strong>{item.issue}</strong> — {item.suggestion}
              </span>
              <button type="button" className="button button--ghost button--small" onClick={() => onFixInEditor(`${item.suggestion}\nSuggested text: ${item.enhancedText}`)} data-testid="suggestion-fix">
                Fix in editor
              </button>
            </li>
          ))}
        </ul>
      )}
      {generate.data && (
        <div data-testid="generated-prompt">
          <p className="muted">{generate.data.explanation}</p>
          <pre className="fetch-snippet">{generate.data.systemPrompt}</pre>
          <button type="button" className="button button--ghost" onClick={() => onFixInEditor(`Replace the whole prompt with this one:\n\n${generate.data.systemPrompt}`)} data-testid="generated-to-editor">
            Propose in the editor
          </button>
        </div>
      )}
    </Panel>
  );
}

/** "Enhance" under one metadata field: the AI rewrites its text in the form. */
export function EnhanceFieldButton({ organizationId, projectId, field, value, promptText, onEnhanced }: { organizationId: string; projectId: string; field: MetadataField; value: string; promptText: string; onEnhanced: (text: string) => void }) {
  const status = useAiStatus(organizationId);
  const enhance = useMutation({
    mutationFn: () => apiSend<{ enhancedText: string }>('POST', aiPath(organizationId, projectId, 'enhance-field'), { field, value, ...(promptText && { prompt: promptText }) }),
    onSuccess: (result) => onEnhanced(result.enhancedText),
  });
  if (status.data?.enabled !== true || !value.trim()) return null;
  return (
    <div className="ai-edit-actions">
      <PermissionButton permission="ai.use" className="button button--ghost button--small" disabled={enhance.isPending} onClick={() => enhance.mutate()} data-testid={`enhance-${field}`}>
        {enhance.isPending ? 'Enhancing…' : 'Enhance with AI'}
      </PermissionButton>
      {enhance.error && <span className="field-error">{enhance.error.message}</span>}
    </div>
  );
}
