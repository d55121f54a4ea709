// onnxruntime verbosity follows the injected logger's level; no logger means errors only.
import { ortSeverityFor, type EncoderLogger } from './encoder-logger';

const noop = (): void => undefined;
const logger = (level: string): EncoderLogger => ({ debug: noop, info: noop, warn: noop, error: noop, level });

describe('ortSeverityFor', () => {
  it('maps pino levels to onnxruntime severities', () => {
    expect(ortSeverityFor(undefined)).toBe(3);
    expect(ortSeverityFor(logger('trace'))).toBe(0);
    expect(ortSeverityFor(logger('debug'))).toBe(1);
    expect(ortSeverityFor(logger('info'))).toBe(2);
    expect(ortSeverityFor(logger('error'))).toBe(3);
    expect(ortSeverityFor(logger('silent'))).toBe(4);
  });
});
