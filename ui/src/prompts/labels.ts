// The engine's rule for label names (engine/src/prompts/schema.ts labelName and movableLabel).
const LABEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Why the engine would refuse a label name for a move (or for protection), or null when it takes it. */
export function labelNameProblem(label: string): string | null {
  if (label === 'latest') return '“latest” always follows the newest version by itself.';
  if (!LABEL_NAME.test(label)) return 'Use lower-case letters, digits, “.”, “_” or “-” (at most 64), starting with a letter or digit.';
  return null;
}
