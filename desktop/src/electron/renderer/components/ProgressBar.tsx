/** A bar for 0..1, or a moving one when the amount of work is not known. */
export function ProgressBar({ fraction, label }: { fraction?: number; label: string }) {
  const percent = fraction === undefined ? undefined : Math.round(fraction * 100);
  return (
    <div
      className={percent === undefined ? 'bar bar-indeterminate' : 'bar'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="bar-fill" style={percent === undefined ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
