import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (provider keys, webhook secrets): AES-256-GCM under ENCRYPTION_KEY, stored as
 * `v1.<iv>.<tag>.<ciphertext>` in base64url. The version prefix leaves room for key rotation.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** A keyed digest (HMAC-SHA256, base64url): values derived from secrets, such as CSRF tokens. */
  mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }

  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('Not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** `sk-…abcd`: the start and the last four characters, for recognising a key without revealing it. */
export function maskSecret(secret: string): string {
  const start = secret.slice(0, Math.min(4, Math.max(secret.length - 8, 0)));
  return `${start}…${secret.slice(-4)}`;
}
