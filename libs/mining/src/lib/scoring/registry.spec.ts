// The registry is the only list of methods: every *.score.ts file is registered, ids are unique and
// equal SCORING_METHOD_IDS, and lookups of unknown ids fail with a typed error.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { MiningErrorCode } from '../errors';
import { SCORING_METHOD_IDS, type OodScoreMethod } from './ood-score-method';
import { SCORING_METHODS, scoringMethod } from './registry';

function isScoreMethod(value: unknown): value is OodScoreMethod {
  return typeof value === 'object' && value !== null && 'id' in value && 'score' in value && 'parameters' in value;
}

describe('scoring registry', () => {
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.score.ts'));

  it('registers every method exported by a *.score.ts file', async () => {
    expect(files.length).toBeGreaterThanOrEqual(SCORING_METHOD_IDS.length);
    const registered = new Set(Object.values(SCORING_METHODS));
    for (const file of files) {
      const module = (await import(path.join(__dirname, file))) as Record<string, unknown>;
      const methods = Object.values(module).filter(isScoreMethod);
      expect({ file, count: methods.length }).toEqual({ file, count: 1 });
      expect(registered.has(methods[0]!)).toBe(true);
    }
    expect(files.length).toBe(registered.size);
  });

  it('keys each method by its own id, ids unique and equal to SCORING_METHOD_IDS', () => {
    const ids = Object.values(SCORING_METHODS).map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...SCORING_METHOD_IDS].sort());
    for (const [key, method] of Object.entries(SCORING_METHODS)) expect(method.id).toBe(key);
  });

  it('gives every parameter a default inside its own schema and a sweep grid', () => {
    for (const method of Object.values(SCORING_METHODS)) {
      expect(() => method.resolveParams()).not.toThrow();
      for (const spec of Object.values(method.parameters)) expect(spec.sweep.length).toBeGreaterThan(0);
      for (const [name, spec] of Object.entries(method.parameters)) {
        for (const value of spec.sweep) expect(() => method.resolveParams({ [name]: value })).not.toThrow();
      }
    }
  });

  it('fails on an unknown id with the accepted ids', () => {
    expect(() => scoringMethod('energy')).toThrow(
      expect.objectContaining({
        code: MiningErrorCode.UnknownMethod,
        message: expect.stringContaining('mcm, neglabel, debiased, adaneg'),
      }),
    );
    expect(scoringMethod('debiased').id).toBe('debiased');
  });
});
