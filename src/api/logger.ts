import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * The bridge's logger. Secrets never reach a log line: authorization headers, webhook signatures, API
 * keys and private keys are redacted wherever they appear in a logged object, up to a few levels deep
 * (request headers, configuration blocks, adapter options).
 */
export const redactedPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-tracebridge-signature"]',
  'headers.authorization',
  ...['apiKey', 'apiKeys', 'privateKey', 'key', 'secret', 'secrets', 'webhookSecrets', 'password'].flatMap(
    (field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`],
  ),
];

/** A pino logger with {@link redactedPaths} redacted; `destination` lets tests read what was written. */
export function createLogger(options: LoggerOptions = {}, destination?: NodeJS.WritableStream): Logger {
  const settings: LoggerOptions = {
    name: 'tracebridge',
    level: process.env.LOG_LEVEL ?? 'info',
    ...options,
    redact: { paths: [...redactedPaths], censor: '[redacted]' },
  };
  return destination ? pino(settings, destination as pino.DestinationStream) : pino(settings);
}
