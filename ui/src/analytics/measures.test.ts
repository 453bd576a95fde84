import { describe, expect, it } from 'vitest';
import { formatUsd, formatUsdTicks } from './measures';

describe('dollar amounts', () => {
  it('read in cents from a dollar, four decimals from a cent, six below', () => {
    expect(formatUsd(12.5)).toBe('$12.50');
    expect(formatUsd(0.05)).toBe('$0.0500');
    expect(formatUsd(0.00013)).toBe('$0.000130');
    expect(formatUsd(0)).toBe('$0.0000');
    expect(formatUsd(-0.25)).toBe('−$0.2500');
    expect(formatUsd(null)).toBe('–');
  });

  it('label an axis with one number of decimals, the finest tick’s', () => {
    expect(formatUsdTicks([0, 0.00002, 0.00004, 0.00006])).toEqual(['$0.00000', '$0.00002', '$0.00004', '$0.00006']);
    expect(formatUsdTicks([0, 0.005, 0.01, 0.015])).toEqual(['$0.000', '$0.005', '$0.010', '$0.015']);
    expect(formatUsdTicks([0, 0.5, 1, 1.5])).toEqual(['$0.00', '$0.50', '$1.00', '$1.50']);
    expect(formatUsdTicks([0, 20, 40])).toEqual(['$0.00', '$20.00', '$40.00']);
    // Floating-point ticks (0.1 + 0.2) do not ask for more decimals than they mean.
    expect(formatUsdTicks([0.1 + 0.2, 0.6])).toEqual(['$0.30', '$0.60']);
    expect(formatUsdTicks([0, 0.000001, 0.000002])).toEqual(['$0.000000', '$0.000001', '$0.000002']);
    // Finer than a millionth is shown at six decimals, not more.
    expect(formatUsdTicks([0, 0.0000012])).toEqual(['$0.000000', '$0.000001']);
  });
});
