import { randomBytes } from 'node:crypto';

/** URL-safe slug from a display name: lower-case letters, digits and single dashes. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug || 'untitled';
}

/** Candidates to try in order when a derived slug is taken: name, name-2 … name-20, then name-<random>. */
export function* slugCandidates(base: string): Generator<string> {
  yield base;
  for (let n = 2; n <= 20; n++) yield `${base}-${n}`;
  for (let attempt = 0; attempt < 20; attempt++) yield `${base}-${randomBytes(4).toString('hex')}`;
}

export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
