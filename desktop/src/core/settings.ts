import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from './files.js';
import { defaultStackManifest, stackManifestSchema } from './stack-manifest.js';

/** `manager/settings.json`: what the admin chose in the manager (or with the CLI). */
export const settingsSchema = z.object({
  /** auto: containers when an engine is found, else embedded. */
  database: z.enum(['auto', 'container', 'embedded', 'external']).default('auto'),
  /** A container engine address in DOCKER_HOST form (unix://, tcp://, npipe://); unset: look in the usual places. */
  containerHost: z.string().regex(/^(unix|tcp|npipe|http|https):\/\//, 'expected unix://, tcp:// or npipe://').optional(),
  externalDatabaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL').optional(),
  stackName: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,40}$/, 'lowercase letters, digits, "-", "_" and "."').default('forprompt'),
  manifest: stackManifestSchema.default(defaultStackManifest),
  withOllama: z.boolean().default(false),
  /** Default: OLLAMA_MODEL from the environment, else llama3.1. */
  ollamaModel: z.string().min(1).default(process.env.OLLAMA_MODEL || 'llama3.1'),
  enginePort: z.number().int().min(1).max(65535).default(3000),
  backups: z
    .object({
      /** Default: FORPROMPT_HOME/backups. */
      directory: z.string().optional(),
      /** 0 turns scheduled backups off. */
      everyHours: z.number().min(0).max(24 * 30).default(24),
      keep: z.number().int().min(1).max(1000).default(7),
    })
    .default({ everyHours: 24, keep: 7 }),
  /** Release feed for `forprompt-manager update` (JSON { version, bundle }); unset: bundles only. */
  updateFeedUrl: z.url().optional(),
  /** Extra environment for the engine (AI provider, auth, …); see .env.example. */
  engineEnv: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()).default({}),
});
export type Settings = z.infer<typeof settingsSchema>;

export async function readSettings(directory: string): Promise<Settings> {
  return settingsSchema.parse((await readJsonFile(path.join(directory, 'settings.json'), settingsSchema.partial())) ?? {});
}

export async function writeSettings(directory: string, settings: Settings): Promise<void> {
  await writeFileAtomic(path.join(directory, 'settings.json'), `${JSON.stringify(settingsSchema.parse(settings), null, 2)}\n`, 0o600);
}
