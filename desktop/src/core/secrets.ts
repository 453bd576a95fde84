import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from './files.js';

/**
 * Turns a secret into bytes at rest and back. In Electron the shell passes one built on `safeStorage`
 * (the OS keychain); elsewhere secrets are kept as they are in a file only the owner may read.
 */
export interface SecretCipher {
  readonly name: string;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

const plainCipher: SecretCipher = {
  name: 'file',
  encrypt: (plain) => Buffer.from(plain, 'utf8'),
  decrypt: (sealed) => sealed.toString('utf8'),
};

const secretsFileSchema = z.object({
  cipher: z.string(),
  secrets: z.record(z.string(), z.string()),
});

/** The manager's secret store: `manager/secrets.json`, mode 0600, values sealed by the cipher. */
export class SecretStore {
  private readonly file: string;

  constructor(
    directory: string,
    private readonly cipher: SecretCipher = plainCipher,
  ) {
    this.file = path.join(directory, 'secrets.json');
  }

  async get(name: string): Promise<string | undefined> {
    const stored = await this.read();
    const sealed = stored.secrets[name];
    if (sealed === undefined) return undefined;
    if (stored.cipher !== this.cipher.name) {
      throw new Error(`${this.file} was sealed with "${stored.cipher}", which is not available here ("${this.cipher.name}")`);
    }
    return this.cipher.decrypt(Buffer.from(sealed, 'base64'));
  }

  async set(name: string, value: string): Promise<void> {
    const stored = await this.read();
    if (Object.keys(stored.secrets).length > 0 && stored.cipher !== this.cipher.name) {
      throw new Error(`${this.file} was sealed with "${stored.cipher}"; refusing to mix in secrets sealed with "${this.cipher.name}"`);
    }
    stored.secrets[name] = this.cipher.encrypt(value).toString('base64');
    stored.cipher = this.cipher.name;
    await writeFileAtomic(this.file, `${JSON.stringify(stored, null, 2)}\n`, 0o600);
  }

  /** The stored secret, or a new random one (hex, `bytes` long) stored first. */
  async getOrCreate(name: string, bytes = 24): Promise<string> {
    const existing = await this.get(name);
    if (existing !== undefined) return existing;
    const created = randomBytes(bytes).toString('hex');
    await this.set(name, created);
    return created;
  }

  private async read(): Promise<z.infer<typeof secretsFileSchema>> {
    return (await readJsonFile(this.file, secretsFileSchema)) ?? { cipher: this.cipher.name, secrets: {} };
  }
}
