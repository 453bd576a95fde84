import type { Config } from '../config.js';
import type { DataProvider } from '../data/provider.js';
import type { Logger } from '../logger.js';
import { SecretBox } from '../lib/secret-box.js';
import { localIdentity, type IdentifyUser } from '../access/authenticators.js';
import { ApiKeyCache } from '../access/api-key-cache.js';
import { ApiRateLimiter } from '../access/api-rate-limit.js';
import { PromptCache } from '../prompts/cache.js';
import { EventDelivery } from '../events/delivery.js';
import { AiService } from '../ai/service.js';

/** What route handlers may use: built once at boot and passed to every handler. */
export interface Services {
  config: Config;
  provider: DataProvider;
  logger: Logger;
  version: string;
  /** Encrypts secrets at rest under ENCRYPTION_KEY. */
  secretBox: SecretBox;
  /** Who is signed in (local session cookie, or a Clerk token); null when nobody. */
  identify: IdentifyUser;
  /** Hot-path caches, kept correct across replicas by the change feed. */
  promptCache: PromptCache;
  apiKeyCache: ApiKeyCache;
  /** The public API's per-key limits, shared by the replicas through the database. */
  apiRateLimiter: ApiRateLimiter;
  /** Domain events from the outbox, delivered through the job queue (started by the engine). */
  events: EventDelivery;
  /** The AI providers: which one an organization uses, its request limit, usage recording. */
  ai: AiService;
}

export interface ServiceInputs {
  config: Config;
  provider: DataProvider;
  logger: Logger;
  version: string;
  encryptionKey: Buffer;
  /** How dashboard users are identified; local sessions unless given (Clerk mode). */
  identify?: (services: Services) => IdentifyUser;
}

export function createServices({ encryptionKey, identify = localIdentity, ...rest }: ServiceInputs): Services {
  const secretBox = new SecretBox(encryptionKey);
  const services = {
    ...rest,
    secretBox,
    ai: new AiService({ config: rest.config, provider: rest.provider, secretBox, logger: rest.logger }),
    promptCache: new PromptCache(rest.provider.prompts, rest.provider.changeFeed),
    apiKeyCache: new ApiKeyCache(rest.provider.apiKeys, rest.provider.changeFeed),
    events: new EventDelivery(rest.provider, rest.logger),
    apiRateLimiter: new ApiRateLimiter(rest.config.apiRateLimits, rest.provider.rateLimits, (error) =>
      rest.logger.warn({ err: error }, 'Reserving API rate-limit budget failed; counting in this process until the database answers'),
    ),
  } as Services;
  services.identify = identify(services);
  // The durable path behind the change feed: a prompt change reaches this replica's cache even if its
  // notification was lost.
  services.events.subscribe({ name: 'prompt-cache', handle: async (events) => events.forEach((event) => services.promptCache.forget(event)) });
  return services;
}
