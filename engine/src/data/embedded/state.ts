import fs from 'node:fs/promises';
import { z } from 'zod';

/** `${home}/embedded-pg.json`: what the next start needs to find and log in to the server. */
const tcpPort = z.number().int().min(1).max(65535);
const embeddedStateSchema = z.object({
  /** Where the server listens; differs from preferredPort when that was taken. */
  port: tcpPort,
  /** The configured port when `port` was chosen: a new configuration overrides the recorded port. */
  preferredPort: tcpPort,
  password: z.string().min(16),
  pgMajor: z.number().int().positive(),
});

export type EmbeddedState = z.infer<typeof embeddedStateSchema>;

/** The recorded state, or undefined when the file is missing or unreadable. */
export async function readEmbeddedState(stateFile: string): Promise<EmbeddedState | undefined> {
  let content: string;
  try {
    content = await fs.readFile(stateFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = embeddedStateSchema.safeParse(JSON.parse(content));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written atomically with mode 0600: it holds the database password. */
export async function writeEmbeddedState(stateFile: string, state: EmbeddedState): Promise<void> {
  const partial = `${stateFile}.${process.pid}.tmp`;
  await fs.writeFile(partial, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await fs.chmod(partial, 0o600);
  await fs.rename(partial, stateFile);
}
