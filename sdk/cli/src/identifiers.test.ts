import { describe, expect, it } from 'vitest';
import { assignNames, camelCase, isIdentifier } from './identifiers.js';

describe('names for prompt keys', () => {
  it('keeps keys that are identifiers and camel-cases the others', () => {
    expect([...assignNames(['userContextPrompt', 'support-reply', 'chat.helper.v2', 'API-key', '2fa-check', 'default', 'a_b']).values()]).toEqual([
      'userContextPrompt',
      'supportReply',
      'chatHelperV2',
      'apiKey',
      'prompt2faCheck',
      'defaultPrompt',
      'a_b',
    ]);
  });

  it('gives keys that come out alike distinct names, and avoids names already taken', () => {
    expect([...assignNames(['support-reply', 'support.reply', 'prompts'], { taken: ['prompts'] }).values()]).toEqual(['supportReply', 'supportReply_2', 'prompts_2']);
    expect([...assignNames(['a', 'aInfo'], { companions: ['Info'] }).values()]).toEqual(['a', 'aInfo_2']);
  });

  it('always yields an identifier', () => {
    for (const key of ['-', '._-', '123', 'class', 'x-y-z']) expect(isIdentifier(camelCase(key))).toBe(true);
  });
});
