import type { ChatMessage, ChatRole } from './api';

interface MessagesEditorProps {
  messages: ChatMessage[];
  onChange: (messages: ChatMessage[]) => void;
  /** Field errors keyed like the engine's issues: `messages.0.content`. */
  errors: Record<string, string>;
  disabled?: boolean;
}

const roles: readonly ChatRole[] = ['system', 'user', 'assistant'];

/** A chat prompt as message cards: a role and its content each, in order. */
export function MessagesEditor({ messages, onChange, errors, disabled = false }: MessagesEditorProps) {
  const update = (index: number, change: Partial<ChatMessage>) => onChange(messages.map((message, at) => (at === index ? { ...message, ...change } : message)));
  return (
    <div className="message-cards" data-testid="message-cards">
      {messages.map((message, index) => {
        const error = errors[`messages.${index}.content`] ?? errors[`messages.${index}.role`];
        return (
          <div key={index} className={error ? 'message-card field--invalid' : 'message-card'} data-testid="message-card">
            <div className="message-card-header">
              <select
                className="select select--compact"
                aria-label={`Role of message ${index + 1}`}
                value={message.role}
                disabled={disabled}
                onChange={(event) => update(index, { role: event.target.value as ChatRole })}
              >
                {roles.map((role) => (
                  <option key={role} value={role}>
                    {role}
                  </option>
                ))}
              </select>
              {messages.length > 1 && !disabled && (
                <button type="button" className="button button--ghost button--small" onClick={() => onChange(messages.filter((_, at) => at !== index))}>
                  Remove
                </button>
              )}
            </div>
            <textarea
              className="input textarea input--mono"
              aria-label={`Content of message ${index + 1}`}
              aria-invalid={error ? true : undefined}
              rows={4}
              value={message.content}
              readOnly={disabled}
              spellCheck={false}
              onChange={(event) => update(index, { content: event.target.value })}
              data-testid="message-content"
            />
            {error && (
              <p className="field-error" data-testid="field-error">
                {error}
              </p>
            )}
          </div>
        );
      })}
      {!disabled && (
        <button type="button" className="button button--ghost button--small" onClick={() => onChange([...messages, { role: 'user', content: '' }])} data-testid="add-message">
          Add message
        </button>
      )}
    </div>
  );
}
