import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretStore, type SecretCipher } from './secrets.js';

describe('secret store', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-secrets-'));
  });
  afterEach(() => fs.rm(directory, { recursive: true, force: true }));

  it('generates a secret once, keeps it in a file only the owner can read', async () => {
    const store = new SecretStore(directory);
    const password = await store.getOrCreate('stack.forprompt.postgres.password');
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(await new SecretStore(directory).getOrCreate('stack.forprompt.postgres.password')).toBe(password);
    expect((await fs.stat(path.join(directory, 'secrets.json'))).mode & 0o777).toBe(0o600);
  });

  it('seals values with the cipher it is given (Electron passes safeStorage) and refuses to mix ciphers', async () => {
    const reversed: SecretCipher = {
      name: 'test-cipher',
      encrypt: (plain) => Buffer.from([...plain].reverse().join('')),
      decrypt: (sealed) => [...sealed.toString()].reverse().join(''),
    };
    await new SecretStore(directory, reversed).set('key', 'abc123');
    const raw = await fs.readFile(path.join(directory, 'secrets.json'), 'utf8');
    expect(raw).not.toContain(Buffer.from('abc123').toString('base64'));
    expect(await new SecretStore(directory, reversed).get('key')).toBe('abc123');
    await expect(new SecretStore(directory).get('key')).rejects.toThrow(/sealed with "test-cipher"/);
  });

  it('names the file when it is not a valid secrets file', async () => {
    await fs.writeFile(path.join(directory, 'secrets.json'), '{"nope": 1}');
    await expect(new SecretStore(directory).get('x')).rejects.toThrow(/secrets\.json is invalid/);
  });
});
