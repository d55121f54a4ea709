// The one pino logger of the API (structured JSON to stderr). Workers get child loggers with the
// run id, method and model id bound; libraries never log.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'negmine-api' } }, pino.destination(2));
}
