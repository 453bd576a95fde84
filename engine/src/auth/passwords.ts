import { Algorithm, hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 10;

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'use at most 256 characters');

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's recommendation). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: Algorithm.Argon2id });
}

// Verified when the email is unknown, so that answering takes as long as for a real account.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hashPassword('not-a-real-password-0000');
  try {
    const matches = await verify(passwordHash ?? (await dummyHash), password);
    return passwordHash !== null && matches;
  } catch {
    return false;
  }
}
