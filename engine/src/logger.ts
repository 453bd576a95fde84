import { AsyncLocalStorage } from 'node:async_hooks';
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

/** The request being served, for log lines written anywhere while serving it (services, stores, caches). */
const requestContext = new AsyncLocalStorage<{ reqId: string }>();

/** Runs `serve` as the request `reqId`: every log line written meanwhile, also after awaits, carries it. */
export function withRequestId<T>(reqId: string, serve: () => T): T {
  return requestContext.run({ reqId }, serve);
}

const chindings = pino.symbols.chindingsSym as unknown as symbol;

/**
 * Adds `reqId` (pino-http's field) to a line written during a request, unless the line's logger
 * already binds it (pino-http's `req.log`): a JSON line must not name a field twice.
 */
function requestIdMixin(_line: object, _level: number, logger: Logger): { reqId?: string } {
  const context = requestContext.getStore();
  if (!context) return {};
  const bound = (logger as unknown as Record<symbol, string | undefined>)[chindings];
  return bound?.includes('"reqId":') ? {} : { reqId: context.reqId };
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
      mixin: requestIdMixin,
    },
    destination,
  );
}
