import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseRoleMap, type ClerkRoleMap } from './auth/clerk/roles.js';

/**
 * Every environment variable the engine reads, in one zod schema, read once at boot.
 * `.env.example` mirrors this list (a test keeps them in sync). Empty values count as unset.
 */
const optionalText = z.string().trim().min(1).optional();
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
  .transform((url) => url.replace(/\/+$/, ''));
const postgresUrl = z.url({
  protocol: /^postgres(ql)?$/,
  error: 'expected a postgres:// or postgresql:// URL',
});
const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a port number' })
    .int('expected a whole port number')
    .min(0, 'expected a port between 0 and 65535')
    .max(65535, 'expected a port between 0 and 65535')
    .default(fallback);

export /** A per-minute request limit: a whole number, 0 turning the limit off. */
const perMinute = (fallback: number) =>
  z.coerce.number({ error: 'expected a whole number of requests per minute (0 = no limit)' }).int('expected a whole number').min(0, 'expected 0 or more').default(fallback);

/** The AI providers: `custom` is any server speaking OpenAI's chat completions API (vLLM, LM Studio, a gateway). */
export const aiProviderNames = ['openrouter', 'openai', 'anthropic', 'ollama', 'custom'] as const;
export type AiProviderName = (typeof aiProviderNames)[number];

const envSchema = z.object({
  DATA_PROVIDER: z
    .enum(['embedded', 'postgresql', 'postgres', 'convex'], {
      error: 'expected one of embedded, postgresql, convex',
    })
    .default('embedded')
    .transform((value) => (value === 'postgres' ? 'postgresql' : value)),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_CONNECT_TIMEOUT_SECONDS: z.coerce
    .number({ error: 'expected a number of seconds' })
    .int()
    .min(0)
    .max(3600)
    .default(30),
  PORT: port(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  FORPROMPT_HOME: optionalText,
  FORPROMPT_STACK: z.enum(['embedded', 'container', 'external'], { error: 'expected embedded, container or external' }).optional(),
  EMBEDDED_PG_PORT: port(54329).refine((value) => value > 0, 'expected a port between 1 and 65535'),
  AUTH_PROVIDER: z.enum(['local', 'clerk'], { error: 'expected local or clerk' }).default('local'),
  CLERK_PUBLISHABLE_KEY: optionalText,
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: optionalText,
  CLERK_SECRET_KEY: optionalText,
  CLERK_WEBHOOK_SECRET: optionalText,
  CLERK_JWT_KEY: optionalText,
  CLERK_ROLE_MAP: optionalText,
  CONVEX_DEPLOYMENT: optionalText,
  CONVEX_URL: httpUrl.optional(),
  NEXT_PUBLIC_CONVEX_URL: httpUrl.optional(),
  AI_PROVIDER: z
    .enum(aiProviderNames, { error: `expected one of ${aiProviderNames.join(', ')}` })
    .optional(),
  AI_MODEL: optionalText,
  AI_TIMEOUT_SECONDS: z.coerce.number({ error: 'expected a number of seconds' }).int('expected a whole number of seconds').min(1, 'expected 1 or more').max(3600, 'expected at most 3600').default(120),
  AI_RATE_LIMIT_PER_MINUTE: perMinute(60),
  OPENROUTER_API_KEY: optionalText,
  OPENROUTER_BASE_URL: httpUrl.default('https://openrouter.ai/api/v1'),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: httpUrl.default('https://api.openai.com/v1'),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: httpUrl.default('https://api.anthropic.com'),
  OLLAMA_BASE_URL: httpUrl.optional(),
  OLLAMA_MODEL: z.string().trim().min(1).default('llama3.1'),
  CUSTOM_AI_BASE_URL: httpUrl.optional(),
  CUSTOM_AI_API_KEY: optionalText,
  ENCRYPTION_KEY: z
    .string()
    .trim()
    .refine((value) => decodeKey(value) !== null, {
      message: 'expected 32 random bytes as 64 hex characters or base64 (openssl rand -hex 32)',
    })
    .optional(),
  PUBLIC_URL: httpUrl.optional(),
  TRUST_PROXY: optionalText,
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  FORPROMPT_INIT_USER_EMAIL: z.string().trim().toLowerCase().pipe(z.email('expected an email address')).optional(),
  FORPROMPT_INIT_USER_PASSWORD: z.string().min(10, 'use at least 10 characters').max(256).optional(),
  FORPROMPT_INIT_ORG_NAME: z.string().trim().min(1).max(100, 'use at most 100 characters').optional(),
  FORPROMPT_INIT_PROJECT_NAME: z.string().trim().min(1).max(100, 'use at most 100 characters').optional(),
  FORPROMPT_INIT_PROJECT_API_KEY: z
    .string()
    .trim()
    .regex(/^fp_proj_[A-Za-z0-9]{32}$/, 'expected a full project key: fp_proj_ followed by 32 letters or digits')
    .optional(),
  API_RATE_LIMIT_READS_PER_MINUTE: perMinute(3_000_000),
  API_RATE_LIMIT_WRITES_PER_MINUTE: perMinute(6_000),
  CORS_ORIGINS: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      const origins = (value ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
      for (const origin of origins) {
        if (!isOrigin(origin)) {
          ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin like https://app.example.com` });
        }
      }
      return origins.map((origin) => origin.replace(/\/$/, ''));
    }),
});

/** Names of every variable the engine reads (for `.env.example` and docs). */
export const configVariableNames = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

export interface Config {
  dataProvider: 'embedded' | 'postgresql' | 'convex';
  databaseUrl: string | undefined;
  databaseConnectTimeoutMs: number;
  port: number;
  host: string;
  home: string;
  embeddedPgPort: number;
  /** How the database is run, as recorded in runtime.json: set by the desktop manager, else derived. */
  stack: 'embedded' | 'container' | 'external' | 'convex';
  auth: {
    provider: 'local' | 'clerk';
    clerk: { publishableKey?: string; secretKey?: string; webhookSecret?: string; jwtKey?: string; roleMap: ClerkRoleMap };
  };
  convex: { deployment?: string; url?: string };
  ai: {
    /** The instance's provider (AI_PROVIDER, else the first configured); null: AI is off unless an organization brings its own key. */
    provider: AiProviderName | null;
    /** AI_MODEL: the instance provider's default model instead of the built-in one. */
    model?: string;
    /** Longest wait for a whole call (retries included), or for the next event of a stream. */
    timeoutMs: number;
    /** AI requests per organization per minute, shared by replicas; 0 = no limit. */
    rateLimitPerMinute: number;
    openrouter: { apiKey?: string; baseUrl: string };
    openai: { apiKey?: string; baseUrl: string };
    anthropic: { apiKey?: string; baseUrl: string };
    /** baseUrl is set when OLLAMA_BASE_URL is, or when AI_PROVIDER=ollama (the local default). */
    ollama: { baseUrl?: string; model: string };
    custom: { baseUrl?: string; apiKey?: string };
  };
  /** 32 bytes; undefined only with the embedded provider, which then keeps a generated key in `home`. */
  encryptionKey: Buffer | undefined;
  publicUrl: string;
  trustProxy: boolean | number | string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  corsOrigins: string[];
  /** Per API key and engine process; 0 = no limit. */
  apiRateLimits: { readsPerMinute: number; writesPerMinute: number };
  /** Headless initialization (FORPROMPT_INIT_*): null when not asked for. */
  init: { userEmail: string; userPassword: string; organizationName?: string; projectName?: string; projectApiKey?: string } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError with one line per problem, naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    configVariableNames
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ''),
  ) as Partial<Record<(typeof configVariableNames)[number], string>>;
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const value = present[name as keyof typeof present];
        return `${name}: ${issue.message}${value === undefined ? '' : ` (got "${redact(name, value)}")`}`;
      });
  problems.push(...crossFieldProblems(present));
  try {
    parseRoleMap(present.CLERK_ROLE_MAP);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);

  const vars = parsed.data;
  const aiProvider = vars.AI_PROVIDER ?? inferAiProvider(vars);
  return {
    dataProvider: vars.DATA_PROVIDER,
    databaseUrl: vars.DATABASE_URL,
    databaseConnectTimeoutMs: vars.DATABASE_CONNECT_TIMEOUT_SECONDS * 1000,
    port: vars.PORT,
    host: vars.HOST,
    home: path.resolve(vars.FORPROMPT_HOME ?? defaultHome(env)),
    embeddedPgPort: vars.EMBEDDED_PG_PORT,
    stack: vars.FORPROMPT_STACK ?? (vars.DATA_PROVIDER === 'postgresql' ? 'external' : vars.DATA_PROVIDER),
    auth: {
      provider: vars.AUTH_PROVIDER,
      clerk: {
        publishableKey: vars.CLERK_PUBLISHABLE_KEY ?? vars.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
        secretKey: vars.CLERK_SECRET_KEY,
        webhookSecret: vars.CLERK_WEBHOOK_SECRET,
        jwtKey: vars.CLERK_JWT_KEY,
        roleMap: parseRoleMap(vars.CLERK_ROLE_MAP),
      },
    },
    convex: { deployment: vars.CONVEX_DEPLOYMENT, url: vars.CONVEX_URL ?? vars.NEXT_PUBLIC_CONVEX_URL },
    ai: {
      provider: aiProvider,
      model: vars.AI_MODEL,
      timeoutMs: vars.AI_TIMEOUT_SECONDS * 1000,
      rateLimitPerMinute: vars.AI_RATE_LIMIT_PER_MINUTE,
      openrouter: { apiKey: vars.OPENROUTER_API_KEY, baseUrl: vars.OPENROUTER_BASE_URL },
      openai: { apiKey: vars.OPENAI_API_KEY, baseUrl: vars.OPENAI_BASE_URL },
      anthropic: { apiKey: vars.ANTHROPIC_API_KEY, baseUrl: vars.ANTHROPIC_BASE_URL },
      ollama: { baseUrl: vars.OLLAMA_BASE_URL ?? (aiProvider === 'ollama' ? 'http://127.0.0.1:11434' : undefined), model: vars.OLLAMA_MODEL },
      custom: { baseUrl: vars.CUSTOM_AI_BASE_URL, apiKey: vars.CUSTOM_AI_API_KEY },
    },
    encryptionKey: vars.ENCRYPTION_KEY ? (decodeKey(vars.ENCRYPTION_KEY) ?? undefined) : undefined,
    // Behind a wildcard bind, links must not say 0.0.0.0: default to this machine's name for it.
    publicUrl: vars.PUBLIC_URL ?? httpOrigin(['0.0.0.0', '::', '[::]'].includes(vars.HOST) ? 'localhost' : vars.HOST, vars.PORT),
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    logLevel: vars.LOG_LEVEL,
    corsOrigins: vars.CORS_ORIGINS,
    apiRateLimits: { readsPerMinute: vars.API_RATE_LIMIT_READS_PER_MINUTE, writesPerMinute: vars.API_RATE_LIMIT_WRITES_PER_MINUTE },
    init:
      vars.FORPROMPT_INIT_USER_EMAIL && vars.FORPROMPT_INIT_USER_PASSWORD
        ? {
            userEmail: vars.FORPROMPT_INIT_USER_EMAIL,
            userPassword: vars.FORPROMPT_INIT_USER_PASSWORD,
            organizationName: vars.FORPROMPT_INIT_ORG_NAME,
            projectName: vars.FORPROMPT_INIT_PROJECT_NAME,
            projectApiKey: vars.FORPROMPT_INIT_PROJECT_API_KEY,
          }
        : null,
  };
}

/** `http://host:port`, with IPv6 hosts in brackets. */
export function httpOrigin(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Rules between variables, checked on the raw values so they are reported with any other problem. */
function crossFieldProblems(vars: Partial<Record<(typeof configVariableNames)[number], string>>): string[] {
  const problems: string[] = [];
  const external = vars.DATA_PROVIDER === 'postgresql' || vars.DATA_PROVIDER === 'postgres';
  if (external && !vars.DATABASE_URL) {
    problems.push('DATABASE_URL: required when DATA_PROVIDER=postgresql (postgresql://user:password@host:5432/db)');
  }
  if (external && !vars.ENCRYPTION_KEY) {
    problems.push('ENCRYPTION_KEY: required with an external database, so that every engine replica shares it (openssl rand -hex 32)');
  }
  if (vars.AUTH_PROVIDER === 'clerk') {
    if (!vars.CLERK_PUBLISHABLE_KEY && !vars.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY) {
      problems.push('CLERK_PUBLISHABLE_KEY: required when AUTH_PROVIDER=clerk (pk_live_… or pk_test_…)');
    }
    if (!vars.CLERK_SECRET_KEY && !vars.CLERK_JWT_KEY) problems.push('CLERK_SECRET_KEY: required when AUTH_PROVIDER=clerk, unless CLERK_JWT_KEY is set');
  }
  const keyVariable = { openrouter: 'OPENROUTER_API_KEY', openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;
  const chosen = vars.AI_PROVIDER as keyof typeof keyVariable | undefined;
  if (chosen && chosen in keyVariable && !vars[keyVariable[chosen]]) problems.push(`${keyVariable[chosen]}: required when AI_PROVIDER=${chosen}`);
  if (vars.AI_PROVIDER === 'custom' && !vars.CUSTOM_AI_BASE_URL) problems.push('CUSTOM_AI_BASE_URL: required when AI_PROVIDER=custom (the server\'s OpenAI API root, e.g. http://localhost:1234/v1)');
  // Each FORPROMPT_INIT_* part needs the one it belongs to.
  const initNeeds = [
    ['FORPROMPT_INIT_USER_EMAIL', 'FORPROMPT_INIT_USER_PASSWORD'],
    ['FORPROMPT_INIT_USER_PASSWORD', 'FORPROMPT_INIT_USER_EMAIL'],
    ['FORPROMPT_INIT_ORG_NAME', 'FORPROMPT_INIT_USER_EMAIL'],
    ['FORPROMPT_INIT_PROJECT_NAME', 'FORPROMPT_INIT_ORG_NAME'],
    ['FORPROMPT_INIT_PROJECT_API_KEY', 'FORPROMPT_INIT_PROJECT_NAME'],
  ] as const;
  for (const [variable, needed] of initNeeds) {
    if (vars[variable] && !vars[needed]) problems.push(`${needed}: required when ${variable} is set`);
  }
  return problems;
}

type ParsedVars = z.infer<typeof envSchema>;

/** Without AI_PROVIDER, the first configured provider wins, in the guide's order of preference. */
function inferAiProvider(vars: ParsedVars): AiProviderName | null {
  if (vars.OPENROUTER_API_KEY) return 'openrouter';
  if (vars.OPENAI_API_KEY) return 'openai';
  if (vars.ANTHROPIC_API_KEY) return 'anthropic';
  if (vars.OLLAMA_BASE_URL) return 'ollama';
  if (vars.CUSTOM_AI_BASE_URL) return 'custom';
  return null;
}

/** Accepts 64 hex characters or base64 of exactly 32 bytes. */
export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 32) return bytes;
  }
  return null;
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim()).filter(Boolean);
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

function redact(name: string, value: string): string {
  if (/KEY|SECRET|PASSWORD/.test(name)) return '…redacted…';
  // A URL's password may contain '/', '@' or ':' — so never echo anything between the scheme and the last '@'.
  const clipped = value.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/i, '$1…@');
  return clipped.length > 80 ? `${clipped.slice(0, 77)}…` : clipped;
}

/** The user's data directory: XDG on Linux (/var/lib for root, as system services do), the OS's elsewhere. */
export function defaultHome(env: NodeJS.ProcessEnv, platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'ForPrompt');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'ForPrompt');
  if (process.getuid?.() === 0) return '/var/lib/forprompt';
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'forprompt');
}
