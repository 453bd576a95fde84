import type { Config } from '../config.js';
import type { DataProvider } from '../data/provider.js';
import type { Logger } from '../logger.js';

/** What route handlers may use: built once at boot and passed to every handler. */
export interface Services {
  config: Config;
  provider: DataProvider;
  logger: Logger;
  version: string;
}
