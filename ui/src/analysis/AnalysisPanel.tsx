import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiSend } from '../app/api';
import { FormError } from '../app/FormError';
import { formatRelative } from '../app/format';
import { Panel } from '../app/Panel';
import { PermissionButton } from '../orgs/PermissionButton';
import type { PromptVersion } from '../prompts/api';
import { AiOffNote } from './AiOffNote';
import { analysesKey, analysesPath, useAiStatus, useAnalyses, type PromptAnalysis } from './api';
import './analysis.css';

interface AnalysisPanelProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  /** Newest first. */
  versions: PromptVersion[];
  /** Hands a finding to "Edit with AI" as its instruction. */
  onFixInEditor: (item: string) => void;
}

/** The AI's review of a chosen version: run it, and see the latest stored one with its score and lists. */
export function AnalysisPanel({ organizationId, projectId, promptKey, versions, onFixInEditor }: AnalysisPanelProps) {
  const [chosen, setChosen] = useState<number | null>(versions[0]?.version ?? null);
  const version = chosen !== null && versions.some((each) => each.version === chosen) ? chosen : (versions[0]?.version ?? null);
  const status = useAiStatus(organizationId);
  const analyses = useAnalyses(organizationId, projectId, promptKey, version);
  const queryClient = useQueryClient();
  const analyze = useMutation({
    mutationFn: (target: number) => apiSend<PromptAnalysis>('POST', analysesPath(organizationId, projectId, promptKey, target), {}),
    onSuccess: (_, target) => queryClient.invalidateQueries({ queryKey: analysesKey(organizationId, projectId, promptKey, target) }),
  });
  const disabled = status.data?.enabled === false;
  const latest = analyses.data?.analyses[0];

  return (
    <Panel
      title="Analysis"
      description="An AI review of one version: clarity, improvements, edge cases and optimizations. Stored per version."
      testId="analysis-panel"
      actions={
        version !== null && (
          <div className="analysis-actions">
            <select aria-label="Version to analyze" className="select select--compact" value={version} onChange={(event) => setChosen(Number(event.target.value))} data-testid="analysis-version">
              {versions.map((each) => (
                <option key={each.id} value={each.version}>
                  v{each.version}
                </option>
              ))}
            </select>
            <PermissionButton
              permission="ai.use"
              disabled={disabled || status.isPending || analyze.isPending}
              title={disabled ? 'AI is off for this organization' : undefined}
              onClick={() => analyze.mutate(version)}
              data-testid="analyze-version"
            >
              {analyze.isPending ? 'Analyzing…' : 'Analyze'}
            </PermissionButton>
          </div>
        )
      }
    >
      <AiOffNote status={status} testId="analysis-disabled" />
      {version === null && <p className="muted">Save a version first.</p>}
      <FormError error={analyze.error} />
      {latest ? (
        <AnalysisResult analysis={latest} count={analyses.data!.analyses.length} onFix={onFixInEditor} />
      ) : (
        version !== null && analyses.isSuccess && <p className="muted" data-testid="analysis-empty">v{version} has not been analyzed yet.</p>
      )}
    </Panel>
  );
}

function AnalysisResult({ analysis, count, onFix }: { analysis: PromptAnalysis; count: number; onFix: (item: string) => void }) {
  const [selected, setSelected] = useState<string | null>(null);
  const fix = (item: string) => {
    setSelected(item);
    onFix(item);
  };
  return (
    <div className="analysis-result" data-testid="analysis-result">
      <div className="analysis-score-row">
        <span className="analysis-score" data-testid="analysis-score">
          {analysis.clarityScore}/10
        </span>
        <span className="muted">
          clarity · {analysis.model} · {formatRelative(analysis.createdAt)}
          {count > 1 && ` · ${count - 1} earlier`}
        </span>
      </div>
      <p data-testid="analysis-assessment">{analysis.overallAssessment}</p>
      <FindingList title="Improvements" items={analysis.improvements} testId="analysis-improvements" selected={selected} onFix={fix} />
      {selected !== null && (
        <p className="note note--muted" data-testid="analysis-fix-note">
          Handed to Edit with AI above as its instruction: send it, then accept or reject the proposed edit.
        </p>
      )}
      <FindingList title="Edge cases" items={analysis.edgeCases} testId="analysis-edge-cases" />
      <FindingList title="Optimizations" items={analysis.optimizations} testId="analysis-optimizations" />
      {analysis.alignmentCheck && (
        <div className="analysis-section">
          <h3>Alignment with the metadata</h3>
          <ul>
            {(
              [
                ['Purpose', analysis.alignmentCheck.purposeAlignment],
                ['Behaviour', analysis.alignmentCheck.behaviorAlignment],
                ['Constraints', analysis.alignmentCheck.constraintsAlignment],
              ] as const
            ).map(([label, check]) => (
              <li key={label}>
                <strong>
                  {label} {check.score}/10
                </strong>{' '}
                — {check.feedback}
              </li>
            ))}
          </ul>
        </div>
      )}
      {analysis.toolUsageAnalysis && (
        <div className="analysis-section">
          <h3>Tool usage</h3>
          <p>{analysis.toolUsageAnalysis.overallToolUsage}</p>
          <ul>
            {analysis.toolUsageAnalysis.tools.map((tool) => (
              <li key={tool.name}>
                <code>{tool.name}</code> {tool.isProperlyInstructed ? 'is properly instructed' : 'needs better instructions'}
                {[...tool.issues, ...tool.suggestions].length > 0 && `: ${[...tool.issues, ...tool.suggestions].join(' · ')}`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

interface FindingListProps {
  title: string;
  items: string[];
  testId: string;
  selected?: string | null;
  /** Offered per item when given ("Fix in editor"). */
  onFix?: (item: string) => void;
}

function FindingList({ title, items, testId, selected, onFix }: FindingListProps) {
  if (items.length === 0) return null;
  return (
    <div className="analysis-section" data-testid={testId}>
      <h3>{title}</h3>
      <ul>
        {items.map((item, index) => (
          <li key={index} className={selected === item ? 'analysis-item analysis-item--selected' : 'analysis-item'}>
            <span>{item}</span>
            {onFix && (
              <button type="button" className="button button--ghost button--small" aria-pressed={selected === item} onClick={() => onFix(item)} data-testid="fix-in-editor">
                Fix in editor
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
