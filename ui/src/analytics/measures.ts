import { formatCount } from '../app/format';

/** How analytics numbers read: "1,234", "12.5%", "340 ms", "$0.0123", "$0.000014". */
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export { formatCount };
export const formatDecimal = (value: number) => decimal.format(value);
export const formatPercent = (ratio: number) => `${decimal.format(ratio * 100)}%`;
export const formatMs = (value: number | null) => (value === null ? '–' : value >= 10_000 ? `${decimal.format(value / 1000)} s` : `${formatCount(value)} ms`);

/** "$0.25", "−$1.50": dollars with `digits` decimals. */
const usd = (value: number, digits: number) => `${value < 0 ? '−' : ''}$${Math.abs(value).toFixed(digits)}`;
export function formatUsd(value: number | null): string {
  if (value === null) return '–';
  // Cents for dollars, else four decimals — six for amounts under a cent (a few tokens' cost).
  const magnitude = Math.abs(value);
  return usd(value, magnitude >= 1 ? 2 : magnitude >= 0.01 || magnitude === 0 ? 4 : 6);
}

/** A difference with its sign ("+12 ms", "−2.5%"). */
export function formatDelta(value: number | null, format: (value: number) => string): string {
  if (value === null) return '–';
  if (value === 0) return '±0';
  const text = format(Math.abs(value));
  return value > 0 ? `+${text}` : `−${text}`;
}

/**
 * A dollar axis's tick labels, all with as many decimals as the finest tick needs (two at least, six
 * at most): "$0.00000, $0.00002, $0.00004" rather than "$0.0000, $0.000020", and "$0.00, $0.50, $1.00".
 */
export function formatUsdTicks(ticks: number[]): string[] {
  const exactAt = (digits: number) => ticks.every((tick) => Math.abs(tick * 10 ** digits - Math.round(tick * 10 ** digits)) < 1e-6);
  let digits = 2;
  while (digits < 6 && !exactAt(digits)) digits += 1;
  return ticks.map((tick) => usd(tick, digits));
}
