import { createHash, randomBytes, randomInt } from 'node:crypto';

/** An opaque secret for links and sessions: 32 random bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const API_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const API_KEY_PATTERN = /^fp_proj_[A-Za-z0-9]{32}$/;

/** A project key in the original's format: `fp_proj_` and 32 letters or digits, each drawn without modulo bias. */
export function generateApiKey(): string {
  let key = 'fp_proj_';
  for (let index = 0; index < 32; index++) key += API_KEY_ALPHABET[randomInt(API_KEY_ALPHABET.length)];
  return key;
}

/** What lists show of a key: enough to recognise it, too little to use it. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 12);
}
