import { describe, expect, it } from 'vitest';
import { parseDotenv, setDotenvValues } from './dotenv.js';

describe('.env files', () => {
  it('reads plain, exported, quoted and commented values', () => {
    const values = parseDotenv('A=1\nexport B = two words # note\nC="quoted # not a comment"\nD=\'single\'\n# E=commented\nA=last\n');
    expect(Object.fromEntries(values)).toEqual({ A: 'last', B: 'two words', C: 'quoted # not a comment', D: 'single' });
  });

  it('rewrites existing keys where they stand and appends missing ones, keeping every other line', () => {
    const before = '# app\nDATABASE_URL=postgres://x\nexport FORPROMPT_API_KEY=old\n\nOTHER=1';
    expect(setDotenvValues(before, { FORPROMPT_API_KEY: 'new', FORPROMPT_BASE_URL: 'http://h' })).toBe(
      '# app\nDATABASE_URL=postgres://x\nFORPROMPT_API_KEY=new\n\nOTHER=1\nFORPROMPT_BASE_URL=http://h\n',
    );
  });

  it('quotes values that need it and keeps CRLF files CRLF', () => {
    expect(setDotenvValues('A=1\r\n', { B: 'has space' })).toBe('A=1\r\nB="has space"\r\n');
    expect(parseDotenv(setDotenvValues('', { B: 'say "hi" # now' })).get('B')).toBe('say "hi" # now');
  });
});
