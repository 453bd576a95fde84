import { formatDateTime } from '../app/format';
import { formatCost, formatLatency, formatTokens, type Span } from './api';

interface OtelEvent {
  name?: string;
  time?: string;
  attributes?: Record<string, unknown>;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
const asEvents = (value: unknown): OtelEvent[] => (Array.isArray(value) ? (value.filter((event) => typeof event === 'object' && event !== null) as OtelEvent[]) : []);

/** One span: its facts, input, output, events (OpenTelemetry's, kept in metadata) and other metadata. */
export function SpanDetail({ span }: { span: Span }) {
  const { 'otel.events': rawEvents, 'otel.links': links, ...metadata } = span.metadata;
  const events = asEvents(rawEvents);
  const facts: Array<[string, string]> = [
    ['Type', span.type.replace('_', ' ')],
    ['Status', span.status],
    ['Role', span.role ?? '—'],
    ['Model', span.model ?? '—'],
    ['Tokens', span.inputTokens === null && span.outputTokens === null ? '—' : formatTokens(span.inputTokens ?? 0, span.outputTokens ?? 0)],
    ['Cost', span.costUsd === null ? '—' : formatCost(span.costUsd)],
    ['Duration', formatLatency(span.durationMs)],
    ['Started', formatDateTime(span.startedAt)],
    ['Span id', span.spanId],
    ['Parent', span.parentSpanId ?? '—'],
  ];
  return (
    <div className="span-detail" data-testid="span-detail">
      <dl className="trace-facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd data-testid={`span-fact-${label.toLowerCase().replace(' ', '-')}`}>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="span-detail-io">
        <section>
          <h4>Input</h4>
          {span.input === null ? <p className="muted">None sent.</p> : <pre className="json-block" data-testid="span-input">{json(span.input)}</pre>}
        </section>
        <section>
          <h4>Output</h4>
          {span.output === null ? <p className="muted">None sent.</p> : <pre className="json-block" data-testid="span-output">{json(span.output)}</pre>}
        </section>
      </div>
      {events.length > 0 && (
        <section>
          <h4>Events</h4>
          <ol className="span-events" data-testid="span-events">
            {events.map((event, index) => (
              <li key={index}>
                <strong>{event.name || '(unnamed)'}</strong>
                {event.time && <span className="muted"> · {formatDateTime(event.time)}</span>}
                {event.attributes && <pre className="json-block">{json(event.attributes)}</pre>}
              </li>
            ))}
          </ol>
        </section>
      )}
      {links !== undefined && (
        <section>
          <h4>Links</h4>
          <pre className="json-block" data-testid="span-links">{json(links)}</pre>
        </section>
      )}
      <section>
        <h4>Metadata</h4>
        {Object.keys(metadata).length === 0 ? <p className="muted">None.</p> : <pre className="json-block" data-testid="span-metadata">{json(metadata)}</pre>}
      </section>
    </div>
  );
}
