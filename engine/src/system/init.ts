import type { Config } from '../config.js';
import { hashPassword } from '../auth/passwords.js';
import type { DataProvider } from '../data/provider.js';
import { StartupError, AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { apiKeyPrefix, sha256Hex } from '../lib/tokens.js';

/**
 * FORPROMPT_INIT_*: for unattended installs, create at boot whatever of the user, organization,
 * project and API key is set and missing; leave alone whatever exists (restarts change nothing).
 */
export async function applyInitialization(config: Config, provider: DataProvider, logger: Logger): Promise<void> {
  const init = config.init;
  if (!init) return;
  try {
    const created = await provider.setup.initialize({
      email: init.userEmail,
      passwordHash: await hashPassword(init.userPassword),
      organizationName: init.organizationName,
      projectName: init.projectName,
      ...(init.projectApiKey && { apiKey: { keyHash: sha256Hex(init.projectApiKey), keyPrefix: apiKeyPrefix(init.projectApiKey) } }),
    });
    if (created.length > 0) logger.info({ created }, 'Headless initialization (FORPROMPT_INIT_*) created what was missing');
  } catch (error) {
    if (error instanceof AppError) throw new StartupError(error.message);
    throw error;
  }
}
