import { diffArrays, diffJson, diffLines, type ChangeObject } from 'diff';
import { z } from 'zod';
import type { ChatMessage, PromptVersionView } from '../data/prompts.js';

/** A run of lines that both sides share, or that only the newer (added) or older (removed) side has. */
export const diffPart = z.object({ value: z.string(), added: z.boolean(), removed: z.boolean() });
export const textDiff = z.object({
  parts: z.array(diffPart),
  /** Lines added and removed. */
  additions: z.number().int(),
  deletions: z.number().int(),
});
export const messageDiff = z.object({
  status: z.enum(['unchanged', 'changed', 'added', 'removed']),
  /** Position in the older and the newer version (null where the message is not there). */
  fromIndex: z.number().int().nullable(),
  toIndex: z.number().int().nullable(),
  fromRole: z.string().nullable(),
  toRole: z.string().nullable(),
  content: textDiff,
});
export const versionDiffView = z.object({
  from: z.number().int(),
  to: z.number().int(),
  type: z.enum(['text', 'chat']),
  identical: z.boolean(),
  template: textDiff.nullable(),
  messages: z.array(messageDiff).nullable(),
  config: textDiff,
});
export type TextDiff = z.infer<typeof textDiff>;
export type MessageDiff = z.infer<typeof messageDiff>;
export type VersionDiff = z.infer<typeof versionDiffView>;

/** Beyond this many edits (or this long) the diff gives up on alignment and shows one replacement (bounded CPU). */
const MAX_EDIT_LENGTH = 2_000;
const TIMEOUT_MS = 250;

function summarize(changes: ChangeObject<string>[]): TextDiff {
  const lines = (value: string) => value.split('\n').length - (value.endsWith('\n') ? 1 : 0);
  const parts = changes.map((change) => ({ value: change.value, added: change.added, removed: change.removed }));
  return {
    parts,
    additions: parts.filter((part) => part.added).reduce((sum, part) => sum + lines(part.value), 0),
    deletions: parts.filter((part) => part.removed).reduce((sum, part) => sum + lines(part.value), 0),
  };
}

/** A line diff of two texts (jsdiff's Myers diff). */
export function diffText(from: string, to: string): TextDiff {
  if (from === to) return summarize(from ? [{ value: from, added: false, removed: false, count: 0 }] : []);
  const changes = diffLines(from, to, { maxEditLength: MAX_EDIT_LENGTH, timeout: TIMEOUT_MS, ignoreNewlineAtEof: true });
  return summarize(
    changes ?? [
      { value: from, added: false, removed: true, count: 0 },
      { value: to, added: true, removed: false, count: 0 },
    ].filter((change) => change.value !== ''),
  );
}

/**
 * Chat versions compared message by message: messages both versions share are unchanged; a run of
 * removed messages followed by a run of added ones pairs up as changed messages (their content diffed
 * by line); the rest were added or removed.
 */
export function diffMessages(from: ChatMessage[], to: ChatMessage[]): MessageDiff[] {
  const same = (a: ChatMessage, b: ChatMessage) => a.role === b.role && a.content === b.content;
  const chunks = diffArrays(from, to, { comparator: same });
  const result: MessageDiff[] = [];
  let fromIndex = 0;
  let toIndex = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (!chunk.added && !chunk.removed) {
      for (const message of chunk.value) {
        result.push({ status: 'unchanged', fromIndex: fromIndex++, toIndex: toIndex++, fromRole: message.role, toRole: message.role, content: diffText(message.content, message.content) });
      }
      continue;
    }
    const removed = chunk.removed ? chunk.value : [];
    const next = chunks[i + 1];
    const added = chunk.added ? chunk.value : next?.added ? next.value : [];
    if (chunk.removed && next?.added) i++;
    const paired = Math.min(removed.length, added.length);
    for (let n = 0; n < paired; n++) {
      result.push({ status: 'changed', fromIndex: fromIndex++, toIndex: toIndex++, fromRole: removed[n]!.role, toRole: added[n]!.role, content: diffText(removed[n]!.content, added[n]!.content) });
    }
    for (const message of removed.slice(paired)) {
      result.push({ status: 'removed', fromIndex: fromIndex++, toIndex: null, fromRole: message.role, toRole: null, content: diffText(message.content, '') });
    }
    for (const message of added.slice(paired)) {
      result.push({ status: 'added', fromIndex: null, toIndex: toIndex++, fromRole: null, toRole: message.role, content: diffText('', message.content) });
    }
  }
  return result;
}

export function diffVersions(type: 'text' | 'chat', from: PromptVersionView, to: PromptVersionView): VersionDiff {
  const template = type === 'text' ? diffText(from.template ?? '', to.template ?? '') : null;
  const messages = type === 'chat' ? diffMessages(from.messages ?? [], to.messages ?? []) : null;
  const configChanges = diffJson(from.config, to.config);
  const config = summarize(configChanges);
  const identical =
    config.additions + config.deletions === 0 &&
    (template ? template.additions + template.deletions === 0 : true) &&
    (messages ? messages.every((message) => message.status === 'unchanged') : true);
  return { from: from.version, to: to.version, type, identical, template, messages, config };
}
