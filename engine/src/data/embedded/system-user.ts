import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from '../../logger.js';
import type { ProcessIdentity } from './access.js';
import { EmbeddedPostgresError } from './errors.js';

const run = promisify(execFile);

/** PostgreSQL refuses to run as root, so as root we run it as this dedicated system user. */
export const SYSTEM_USER = 'forprompt-pg';

async function lookUpUser(name: string): Promise<ProcessIdentity | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

async function createSystemUser(name: string): Promise<void> {
  try {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  } catch (error) {
    // Alpine and other busybox systems have adduser instead of useradd.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await run('adduser', ['-S', '-D', '-H', '-s', '/sbin/nologin', name]);
  }
}

/** The uid/gid of the system user, created on first use. */
export async function ensureSystemUser(dataDir: string, logger: Logger): Promise<ProcessIdentity> {
  const existing = await lookUpUser(SYSTEM_USER);
  if (existing) return existing;
  logger.info({ user: SYSTEM_USER }, 'creating system user for the embedded PostgreSQL server');
  let failure: unknown;
  try {
    await createSystemUser(SYSTEM_USER);
  } catch (error) {
    failure = error; // another engine may have created it meanwhile: look again before failing
  }
  const created = await lookUpUser(SYSTEM_USER);
  if (created) return created;
  const reason = failure instanceof Error ? failure.message.trim() : 'unknown error';
  throw new EmbeddedPostgresError(
    'system_user_failed',
    `PostgreSQL cannot run as root, and creating the system user "${SYSTEM_USER}" failed: ${reason}. ` +
      `Create it yourself (useradd --system --no-create-home --shell /usr/sbin/nologin ${SYSTEM_USER}), ` +
      'or run the engine as a regular user.',
    dataDir,
  );
}
