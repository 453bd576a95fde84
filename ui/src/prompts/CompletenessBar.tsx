import { linkedToolsWeight, metadataFieldInfo, weightOf, type Completeness } from './completeness';

const toneOf = (score: number) => (score >= 80 ? 'completeness-fill--ok' : score >= 40 ? 'completeness-fill--accent' : 'completeness-fill--warn');

/** A small bar and the number, for a table cell. */
export function CompletenessMeter({ score }: { score: number }) {
  return (
    <span className="completeness-meter" title={`Metadata ${score}% complete`} data-testid="completeness-meter">
      <span className="completeness-track" aria-hidden="true">
        <span className={`completeness-fill ${toneOf(score)}`} style={{ width: `${score}%` }} />
      </span>
      <span className="completeness-number">{score}%</span>
    </span>
  );
}

interface CompletenessBarProps {
  completeness: Completeness;
  /** The saved score, shown next to the live one while the form has unsaved changes. */
  saved: number;
  /** Points the prompt has from linked tools (none until tools can be linked). */
  linkedToolsPoints: number;
}

/** How much of the metadata is filled in, which fields would raise it, and what cannot yet. */
export function CompletenessBar({ completeness, saved, linkedToolsPoints }: CompletenessBarProps) {
  const { score, missing } = completeness;
  return (
    <div className="completeness" data-testid="completeness">
      <div className="completeness-heading">
        <span className="completeness-score" data-testid="completeness-score">
          {score}%
        </span>
        <span className="muted">complete</span>
        {score !== saved && <span className="completeness-unsaved">{saved}% saved — save to keep the change</span>}
      </div>
      <div className="completeness-track completeness-track--large" role="meter" aria-label="Completeness" aria-valuemin={0} aria-valuemax={100} aria-valuenow={score}>
        <span className={`completeness-fill ${toneOf(score)}`} style={{ width: `${score}%` }} />
      </div>
      {missing.length > 0 ? (
        <p className="completeness-missing" data-testid="completeness-missing">
          To raise it, fill in:{' '}
          {missing.map((field, index) => (
            <span key={field}>
              {index > 0 && ', '}
              {metadataFieldInfo[field].label} <span className="muted">(+{weightOf(field)})</span>
            </span>
          ))}
          .
        </p>
      ) : (
        <p className="completeness-missing">Every scored field is filled in.</p>
      )}
      {linkedToolsPoints === 0 && (
        <p className="completeness-tools muted">
          The last {linkedToolsWeight} points come from linking tools to this prompt. Tools can’t be linked in this version yet, so{' '}
          {100 - linkedToolsWeight}% is the most a prompt reaches for now.
        </p>
      )}
    </div>
  );
}
