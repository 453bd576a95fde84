import type { ChatMessage, ChatRole } from './api';
import { TemplateEditor } from './TemplateEditor';

interface MessagesEditorProps {
  messages: ChatMessage[];
  onChange: (messages: ChatMessage[]) => void;
  /** Field errors keyed like the engine's issues: `messages.0.content`. */
  errors: Record<string, string>;
  disabled?: boolean;
}

const roles: readonly ChatRole[] = ['system', 'user', 'assistant'];

/** The messages with the one at `from` moved to `to`. */
function moved(messages: ChatMessage[], from: number, to: number): ChatMessage[] {
  const reordered = [...messages];
  const [message] = reordered.splice(from, 1);
  if (message) reordered.splice(to, 0, message);
  return reordered;
}

/** A chat prompt as message cards: a role and its content each, in order. */
export function MessagesEditor({ messages, onChange, errors, disabled = false }: MessagesEditorProps) {
  const update = (index: number, change: Partial<ChatMessage>) => onChange(messages.map((message, at) => (at === index ? { ...message, ...change } : message)));
  return (
    <div className="message-cards" data-testid="message-cards">
      {messages.map((message, index) => {
        const error = errors[`messages.${index}.content`] ?? errors[`messages.${index}.role`];
        const number = index + 1;
        return (
          <div key={index} className={error ? 'message-card field--invalid' : 'message-card'} data-testid="message-card">
            <div className="message-card-header">
              <select
                className="select select--compact"
                aria-label={`Role of message ${number}`}
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
              {!disabled && (
                <span className="message-card-actions">
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Move message ${number} up`}
                    title="Move up"
                    disabled={index === 0}
                    onClick={() => onChange(moved(messages, index, index - 1))}
                    data-testid="move-message-up"
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Move message ${number} down`}
                    title="Move down"
                    disabled={index === messages.length - 1}
                    onClick={() => onChange(moved(messages, index, index + 1))}
                    data-testid="move-message-down"
                  >
                    ↓
                  </button>
                  {messages.length > 1 && (
                    <button type="button" className="button button--ghost button--small" onClick={() => onChange(messages.filter((_, at) => at !== index))}>
                      Remove
                    </button>
                  )}
                </span>
              )}
            </div>
            <TemplateEditor
              aria-label={`Content of message ${number}`}
              aria-invalid={error ? true : undefined}
              value={message.content}
              readOnly={disabled}
              placeholder={message.role === 'system' ? 'Instructions for the model, with {{variables}}' : 'Message text, with {{variables}}'}
              onChange={(content) => update(index, { content })}
              testId="message-content"
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
