import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { decodeKey } from '../config.js';
import { StartupError } from '../errors.js';
import type { DataProvider } from '../data/provider.js';

const KEY_FILE = 'encryption.key';
const CHECK_SETTING = 'encryption_key_check';

/**
 * The key that encrypts provider keys and webhook secrets at rest. With an external database it comes
 * from ENCRYPTION_KEY (config refuses to boot without it); with the embedded database it is generated
 * on first run and kept beside the data, readable by the owner only.
 */
export async function resolveEncryptionKey(config: Config): Promise<Buffer> {
  if (config.encryptionKey) return config.encryptionKey;
  const file = path.join(config.home, KEY_FILE);
  try {
    const key = decodeKey((await fs.readFile(file, 'utf8')).trim());
    if (!key) throw new StartupError(`${file} does not hold a valid key (64 hex characters). Restore it from a backup or set ENCRYPTION_KEY.`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await fs.mkdir(config.home, { recursive: true });
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    await fs.writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveEncryptionKey(config);
    throw error;
  }
}

function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('forprompt:encryption-key-check:v1').digest('hex');
}

/**
 * Records which key this database belongs to on first boot, and refuses to boot later with another
 * one — otherwise secrets written by one replica could not be read by the next.
 */
export async function verifyEncryptionKey(provider: DataProvider, key: Buffer, config: Config): Promise<void> {
  const expected = keyCheck(key);
  const stored = await provider.instance.putSettingIfAbsent(CHECK_SETTING, expected);
  if (typeof stored !== 'string' || stored.length !== expected.length || !timingSafeEqual(Buffer.from(stored), Buffer.from(expected))) {
    const source = config.encryptionKey ? 'ENCRYPTION_KEY' : `The key in ${path.join(config.home, KEY_FILE)}`;
    throw new StartupError(
      `${source} does not match the key this database was set up with. Use the original key (every engine replica must share it); secrets stored with another key cannot be read.`,
    );
  }
}
