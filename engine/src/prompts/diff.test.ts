import { describe, expect, it } from 'vitest';
import { diffMessages, diffText, diffVersions } from './diff.js';
import type { PromptVersionView } from '../data/prompts.js';

const version = (number: number, body: Partial<PromptVersionView>): PromptVersionView => ({
  id: `v${number}`,
  version: number,
  template: null,
  messages: null,
  config: {},
  variables: [],
  commitMessage: null,
  createdBy: null,
  createdAt: new Date(0),
  ...body,
});

/** Rebuilds both sides from the parts: what a renderer shows must add up to the two texts. */
const sides = (parts: Array<{ value: string; added: boolean; removed: boolean }>) => ({
  from: parts.filter((part) => !part.added).map((part) => part.value).join(''),
  to: parts.filter((part) => !part.removed).map((part) => part.value).join(''),
});

describe('version diff', () => {
  it('diffs text by line and counts added and removed lines', () => {
    const from = 'You are helpful.\nGreet {{name}}.\nBe brief.\n';
    const to = 'You are helpful.\nGreet {{name}} warmly.\nBe brief.\nSign off.\n';
    const diff = diffText(from, to);
    expect(sides(diff.parts)).toEqual({ from, to });
    expect(diff.parts.filter((part) => part.removed).map((part) => part.value)).toEqual(['Greet {{name}}.\n']);
    expect(diff.additions).toBe(2);
    expect(diff.deletions).toBe(1);
    expect(diffText(from, from)).toEqual({ parts: [{ value: from, added: false, removed: false }], additions: 0, deletions: 0 });
  });

  it('pairs chat messages: unchanged, changed in place, added and removed', () => {
    const diff = diffMessages(
      [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hi {{name}}' },
        { role: 'assistant', content: 'Old reply' },
      ],
      [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hello {{name}}' },
        { role: 'assistant', content: 'Old reply' },
        { role: 'user', content: 'Follow-up' },
      ],
    );
    expect(diff.map((message) => [message.status, message.fromIndex, message.toIndex])).toEqual([
      ['unchanged', 0, 0],
      ['changed', 1, 1],
      ['unchanged', 2, 2],
      ['added', null, 3],
    ]);
    expect(sides(diff[1]!.content.parts)).toEqual({ from: 'Hi {{name}}', to: 'Hello {{name}}' });
    const removed = diffMessages([{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }], [{ role: 'user', content: 'b' }]);
    expect(removed.map((message) => message.status)).toEqual(['removed', 'unchanged']);
  });

  it('diffs config as JSON and reports identical versions', () => {
    const diff = diffVersions('text', version(1, { template: 'x', config: { model: 'a', temperature: 0.2 } }), version(2, { template: 'x', config: { model: 'b', temperature: 0.2 } }));
    expect(diff.identical).toBe(false);
    expect(diff.template?.additions).toBe(0);
    expect(diff.config.additions).toBe(1);
    expect(diff.config.parts.find((part) => part.added)?.value).toContain('"model": "b"');
    expect(diffVersions('chat', version(1, { messages: [{ role: 'user', content: 'q' }] }), version(3, { messages: [{ role: 'user', content: 'q' }] })).identical).toBe(true);
  });

  it('gives up on alignment for huge rewrites instead of spinning', () => {
    const from = Array.from({ length: 20_000 }, (_, n) => `line ${n}`).join('\n');
    const to = Array.from({ length: 20_000 }, (_, n) => `other ${n}`).join('\n');
    const diff = diffText(from, to);
    expect(sides(diff.parts)).toEqual({ from, to });
  });
});
