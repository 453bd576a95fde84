import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/**
 * A person at a terminal gets readable lines; everything else (services, containers, pipes) gets
 * JSON. Formatting runs in-process (no transport worker) to keep the idle footprint small.
 */
export function defaultDestination(): pino.DestinationStream | undefined {
  if (!process.stdout.isTTY) return undefined;
  return PinoPretty({ colorize: true, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' });
}

/**
 * Errors without the values they carried: a failed query's parameters (drizzle puts them in the
 * message and in `params`) may hold emails, prompt text or ciphertext.
 */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (!serialized || typeof serialized !== 'object') return serialized;
  delete serialized.params;
  for (const field of ['message', 'stack'] as const) {
    if (typeof serialized[field] === 'string') serialized[field] = (serialized[field] as string).replace(/\nparams: .*/s, '\nparams: [redacted]');
  }
  return serialized;
}

/** The one logger. Structured JSON lines; secrets are redacted wherever they may appear. */
export function createLogger(level: string, destination: pino.DestinationStream | undefined = defaultDestination()): Logger {
  return pino(
    {
      level,
      base: { service: 'forprompt-engine' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-api-key"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.apiKey',
          '*.databaseUrl',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
    },
    destination,
  );
}
