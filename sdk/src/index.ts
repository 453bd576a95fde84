export { ForPromptError, ConfigurationError } from './errors.js';
export { resolveOptions, normalizeBaseUrl, DEFAULT_BASE_URL, type ForPromptOptions, type ResolvedOptions } from './config.js';
export { compileTemplate, parseTemplate, MissingVariablesError, TemplateSyntaxError, type ParsedTemplate, type TemplatePart, type TemplateValue } from './template.js';
