import { describe, expect, it } from 'vitest';
import { createRedactor, redactText } from './redact.js';

describe('PII redaction', () => {
  it('redacts e-mail addresses, phone numbers, SSNs, card numbers and IP addresses', () => {
    const text = [
      'mail ada.lovelace+ai@mail.example.co.uk',
      'call (555) 123-4567, 555.123.4567, +1 415 555 2671, +44 20 7946 0958 or +14155552671',
      'ssn 123-45-6789',
      'cards 4111 1111 1111 1111 and 5500-0000-0000-0004 and 378282246310005',
      'hosts 192.168.10.254 and 2001:db8::8a2e:370:7334 and fe80:0:0:0:202:b3ff:fe1e:8329',
    ].join('\n');
    expect(redactText(text)).toBe(
      [
        'mail [EMAIL_REDACTED]',
        'call [PHONE_REDACTED], [PHONE_REDACTED], [PHONE_REDACTED], [PHONE_REDACTED] or [PHONE_REDACTED]',
        'ssn [SSN_REDACTED]',
        'cards [CC_REDACTED] and [CC_REDACTED] and [CC_REDACTED]',
        'hosts [IP_REDACTED] and [IP_REDACTED] and [IP_REDACTED]',
      ].join('\n'),
    );
  });

  it('leaves look-alikes alone: dates, versions, times, order numbers that fail the card checksum', () => {
    const text = 'On 2024-01-15 at 12:30 we shipped v1.2.3 (build 10.0.19045) for order 1234567890123456; std::vector stays.';
    expect(redactText(text)).toBe(text);
  });

  it('applies only the chosen built-in patterns, then custom ones', () => {
    expect(redactText('ada@example.com ORD-123456 10.0.0.1', { patterns: ['email'], custom: [/ORD-\d{6}/, { name: 'internal_ip', pattern: /10\.\d+\.\d+\.\d+/, replacement: '[LAN]' }] })).toBe(
      '[EMAIL_REDACTED] [CUSTOM_1_REDACTED] [LAN]',
    );
  });

  it('redacts every string inside objects and arrays without changing the caller’s value', () => {
    const redact = createRedactor(true)!;
    const value = { messages: [{ content: 'reach me at ada@example.com' }], count: 3, when: new Date(0) };
    expect(redact(value)).toEqual({ messages: [{ content: 'reach me at [EMAIL_REDACTED]' }], count: 3, when: '1970-01-01T00:00:00.000Z' });
    expect(value.messages[0]!.content).toBe('reach me at ada@example.com');
    expect(createRedactor(false)).toBeNull();
  });
});
