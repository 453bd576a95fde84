import type { Span, TraceWithSpans } from './api';
import { formatLatency } from './api';

interface Row {
  span: Span;
  depth: number;
  offsetMs: number;
  durationMs: number;
}

const endOf = (span: Span) => (span.endedAt ? Date.parse(span.endedAt) : Date.parse(span.startedAt) + (span.durationMs ?? 0));

/** Spans in tree order (each parent before its children); a span whose parent is unknown is a root. */
export function spanRows(trace: TraceWithSpans): Row[] {
  const known = new Set(trace.spans.map((span) => span.spanId));
  const children = new Map<string | null, Span[]>();
  for (const span of trace.spans) {
    const parent = span.parentSpanId && known.has(span.parentSpanId) ? span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const start = Math.min(Date.parse(trace.startedAt), ...trace.spans.map((span) => Date.parse(span.startedAt)));
  const rows: Row[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      rows.push({ span, depth, offsetMs: Date.parse(span.startedAt) - start, durationMs: Math.max(0, endOf(span) - Date.parse(span.startedAt)) });
      if (depth < 50) visit(span.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

/**
 * The span tree beside a timeline: each bar starts at the span's offset and is as long as it ran.
 * With `onSelect`, a row (click, Enter or Space) selects its span.
 */
export function SpanWaterfall({ trace, selected, onSelect }: { trace: TraceWithSpans; selected?: string | null; onSelect?: (spanId: string) => void }) {
  const rows = spanRows(trace);
  if (rows.length === 0) return <p className="muted">This trace has no spans.</p>;
  const totalMs = Math.max(1, trace.latencyMs ?? 0, ...rows.map((row) => row.offsetMs + row.durationMs));
  return (
    <div className="waterfall" data-testid="span-waterfall">
      <div className="waterfall-scale">
        <span>0 ms</span>
        {/* A trace of 1 ms has no whole millisecond between its ends. */}
        {totalMs >= 2 && <span>{formatLatency(Math.round(totalMs / 2))}</span>}
        <span>{formatLatency(totalMs)}</span>
      </div>
      {rows.map(({ span, depth, offsetMs, durationMs }) => (
        <div
          key={span.spanId}
          className={`waterfall-row${onSelect ? ' waterfall-row--selectable' : ''}${selected === span.spanId ? ' waterfall-row--selected' : ''}`}
          data-testid="span-row"
          {...(onSelect && {
            role: 'button',
            tabIndex: 0,
            'aria-pressed': selected === span.spanId,
            onClick: () => onSelect(span.spanId),
            onKeyDown: (event: React.KeyboardEvent) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                onSelect(span.spanId);
              }
            },
          })}
        >
          <div className="waterfall-label" style={{ paddingLeft: `${depth * 16}px` }} title={span.spanId}>
            <span className={`badge span-type span-type--${span.type}`}>{span.type.replace('_', ' ')}</span>
            <span className="waterfall-name">{span.name ?? span.role ?? span.model ?? span.spanId}</span>
          </div>
          <div className="waterfall-track">
            <div
              className={`waterfall-bar${span.status === 'error' ? ' waterfall-bar--error' : ''}`}
              style={{ left: `${(offsetMs / totalMs) * 100}%`, width: `max(2px, ${(durationMs / totalMs) * 100}%)` }}
              title={`${formatLatency(durationMs)} from ${formatLatency(offsetMs)}`}
            />
          </div>
          <div className="waterfall-duration numeric">{formatLatency(durationMs)}</div>
        </div>
      ))}
    </div>
  );
}
