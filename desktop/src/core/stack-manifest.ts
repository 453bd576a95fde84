import { z } from 'zod';

/**
 * The images the manager runs, pinned: a tag, and a digest where one is known. An update bundle ships
 * its own manifest (and the images), so a stack is always created from a known set.
 */
export const imageRefSchema = z.object({ image: z.string().min(1), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/).optional() });
export type ImageRef = z.infer<typeof imageRefSchema>;

export const stackManifestSchema = z.object({
  formatVersion: z.literal(1),
  postgres: imageRefSchema,
  ollama: imageRefSchema,
});
export type StackManifest = z.infer<typeof stackManifestSchema>;

export const defaultStackManifest: StackManifest = {
  formatVersion: 1,
  postgres: { image: 'postgres:16-alpine' },
  ollama: { image: 'ollama/ollama:0.5.7' },
};

/** `image@digest` when the digest is pinned (what to pull), else the tag. */
export function imageReference(ref: ImageRef): string {
  if (!ref.digest) return ref.image;
  const withoutTag = ref.image.replace(/:[^/:]+$/, '');
  return `${withoutTag}@${ref.digest}`;
}

export const LABEL_MANAGED = 'com.forprompt.managed';
export const LABEL_STACK = 'com.forprompt.stack';
export const LABEL_SERVICE = 'com.forprompt.service';

export const DATABASE_USER = 'forprompt';
export const DATABASE_NAME = 'forprompt';
export const POSTGRES_CONTAINER_PORT = 5432;
export const OLLAMA_CONTAINER_PORT = 11434;
