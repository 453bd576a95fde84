export { ForPromptError, ConfigurationError } from './errors.js';
export { resolveOptions, normalizeBaseUrl, DEFAULT_BASE_URL, type ForPromptOptions, type ResolvedOptions } from './config.js';
