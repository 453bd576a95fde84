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

/**
 * A keyset cursor over (time, uuid), as a list's `nextCursor` hands it out: the base64url of
 * `<ISO time>|<uuid>` of the page's last entry. Anything else is refused as not a cursor.
 */
export const timeIdCursor = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const [time, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
    const date = boundedDate.safeParse(time);
    if (!date.success || !z.uuid().safeParse(id).success) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page' });
      return z.NEVER;
    }
    return { at: date.data, id: id! };
  });

export const encodeTimeIdCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

/** Destructive deletes ask the user to type the slug of what goes: `{ confirmSlug }` must match it. */
export const confirmSlugBody = z.strictObject({ confirmSlug: z.string().min(1, 'type the slug to confirm') });

export function assertSlugConfirmed(what: string, slug: string, confirmSlug: string): void {
  if (confirmSlug !== slug) {
    throw new ValidationError(`Type "${slug}" to confirm`, [{ path: 'body.confirmSlug', message: `does not match the ${what} slug` }], 'confirmation_mismatch');
  }
}
