import { useState } from 'react';
import { rangeOf, rangePresets, type RangePreset, type TimeRange } from './api';

/** A preset range ("Last 7 days") and the range it stands for, fixed when it is chosen. */
export function useRangePreset(initial: RangePreset) {
  const [preset, setPreset] = useState(initial);
  const [range, setRange] = useState<TimeRange>(() => rangeOf(initial));
  const choose = (next: RangePreset) => {
    setPreset(next);
    setRange(rangeOf(next));
  };
  return { preset, range, choose };
}

export function RangePicker({ preset, onChange, label, testId }: { preset: RangePreset; onChange: (preset: RangePreset) => void; label: string; testId: string }) {
  return (
    <select className="select select--compact" aria-label={label} data-testid={testId} value={preset} onChange={(event) => onChange(event.target.value as RangePreset)}>
      {rangePresets.map((option) => (
        <option key={option.id} value={option.id}>
          {option.label}
        </option>
      ))}
    </select>
  );
}
