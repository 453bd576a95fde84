import type { Span, TraceWithSpans } from './api';

interface Message {
  key: string;
  role: string;
  text: string;
  model: string | null;
}

/** What a message's JSON says, as text: strings as they are, chat messages by their content, else JSON. */
function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join('\n\n');
  if (typeof value === 'object' && 'content' in value) return textOf((value as { content: unknown }).content);
  if (typeof value === 'object' && 'text' in value) return textOf((value as { text: unknown }).text);
  return JSON.stringify(value, null, 2);
}

/** The messages of a span: what it received (as its role, or the user's) and what it answered (the assistant's). */
function messagesOf(span: Span): Message[] {
  const messages: Message[] = [];
  const input = textOf(span.input);
  const output = textOf(span.output);
  if (span.role && span.role !== 'assistant') {
    if (input || output) messages.push({ key: `${span.spanId}-in`, role: span.role, text: input || output, model: null });
    return messages;
  }
  if (span.role === 'assistant') {
    if (output || input) messages.push({ key: `${span.spanId}-out`, role: 'assistant', text: output || input, model: span.model });
    return messages;
  }
  if (span.type === 'llm_call' && output) messages.push({ key: `${span.spanId}-out`, role: 'assistant', text: output, model: span.model });
  return messages;
}

export function conversationOf(trace: TraceWithSpans): Message[] {
  return trace.spans.flatMap(messagesOf);
}

/** The trace as a chat, like the original's Logs page: one bubble per message, by role. */
export function Conversation({ trace }: { trace: TraceWithSpans }) {
  const messages = conversationOf(trace);
  if (messages.length === 0) return <p className="muted">No messages: the spans of this trace carry no role or LLM output.</p>;
  return (
    <ol className="conversation" data-testid="conversation">
      {messages.map((message) => (
        <li key={message.key} className={`chat-message chat-message--${message.role}`} data-testid="chat-message">
          <div className="chat-role">
            {message.role}
            {message.model && <span className="muted"> · {message.model}</span>}
          </div>
          <div className="chat-text">{message.text}</div>
        </li>
      ))}
    </ol>
  );
}
