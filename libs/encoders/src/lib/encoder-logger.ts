// The optional logger @negmine/encoders accepts: pino's method shape, so apps pass a pino (child)
// logger and tests pass nothing. This lib never imports pino. Public type.

export type EncoderLogMethod = (fields: object, message?: string) => void;

export interface EncoderLogger {
  readonly debug: EncoderLogMethod;
  readonly info: EncoderLogMethod;
  readonly warn: EncoderLogMethod;
  readonly error: EncoderLogMethod;
  /** pino's current level name ('trace' ... 'fatal', 'silent'); used to set onnxruntime's verbosity. */
  readonly level?: string;
}

/** onnxruntime severity: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal. Without a logger only errors. */
export function ortSeverityFor(logger: EncoderLogger | undefined): 0 | 1 | 2 | 3 | 4 {
  switch (logger?.level) {
    case 'trace':
      return 0;
    case 'debug':
      return 1;
    case 'info':
    case 'warn':
      return 2;
    case 'fatal':
    case 'silent':
      return 4;
    default:
      return 3;
  }
}
