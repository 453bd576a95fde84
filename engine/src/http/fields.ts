import { z } from 'zod';
import { ValidationError } from '../errors.js';

/**
 * Field schemas shared by the features' request schemas: what PostgreSQL can store, refused at the
 * edge with the field's name rather than failing in the database.
 */
const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL characters';

/** Any stored text: bounded, without NUL (which PostgreSQL text cannot hold). */
export const text = (max: number) => z.string().max(max, `use at most ${max} characters`).refine(noNul, NUL_MESSAGE);

/** A name people type: trimmed, 1–100 characters. */
export const displayName = z.string().trim().min(1, 'required').max(100, 'use at most 100 characters').refine(noNul, NUL_MESSAGE);

export const email = z.string().trim().toLowerCase().max(320).refine(noNul, NUL_MESSAGE).pipe(z.email('expected an email address'));

const EARLIEST = new Date('1970-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59Z');

/** A point in time PostgreSQL's timestamptz can hold (and that makes sense here). */
export const boundedDate = z.coerce
  .date({ error: 'expected a date' })
  .min(EARLIEST, 'expected a date after 1970')
  .max(LATEST, 'expected a date before the year 10000');

/** Destructive deletes ask the user to type the slug of what goes: `{ confirmSlug }` must match it. */
export const confirmSlugBody = z.strictObject({ confirmSlug: z.string().min(1, 'type the slug to confirm') });

export function assertSlugConfirmed(what: string, slug: string, confirmSlug: string): void {
  if (confirmSlug !== slug) {
    throw new ValidationError(`Type "${slug}" to confirm`, [{ path: 'body.confirmSlug', message: `does not match the ${what} slug` }], 'confirmation_mismatch');
  }
}
