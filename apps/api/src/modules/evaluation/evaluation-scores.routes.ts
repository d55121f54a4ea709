// Downloads of a run's stored per-sample scores (the float32 scores every metric was computed
// from, in image-set order): GET /runs/:id/scores.csv (set, role, imageSetId, index, score) and
// GET /runs/:id/scores.npy (a NumPy structured array with the same fields; `?imageSet=<id>` gives
// that one set as a plain float32 vector). ID set first, then the OOD sets in the run's order.
import type { Request, RequestHandler, Response } from 'express';
import { serializeNpy } from '@negmine/formats';
import type { FeatureRoute } from '../../feature';
import { httpErrorBody } from '../../plugins/http-errors';
import type { ImageSetRepository } from '../image-set';
import type { EvaluationRepository } from './evaluation.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ScoredSet {
  readonly imageSetId: string;
  readonly name: string;
  readonly role: 'id' | 'ood';
  readonly scores: Float32Array;
}

class ScoresHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function float32(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** One CSV cell, quoted (RFC 4180) when it holds a comma, quote or line break. */
function cell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function scoresCsv(sets: readonly ScoredSet[]): string {
  const lines = ['set,role,imageSetId,index,score'];
  for (const set of sets) {
    const prefix = `${cell(set.name)},${set.role},${set.imageSetId},`;
    // float32 → shortest decimal that round-trips through float32 (Math.fround(parse(text)) === value).
    for (let i = 0; i < set.scores.length; i++)
      lines.push(`${prefix}${i},${shortestFloat32(set.scores[i] ?? Number.NaN)}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

function shortestFloat32(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 6; digits < 17; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

/**
 * A 1-D NumPy structured array (format 1.0) with fields set (<U n), role (<U3), index (<i4) and
 * score (<f4): `np.load(path)` reads it without pickles; `a[a['set'] == 'name']['score']` is one set.
 */
export function scoresStructuredNpy(sets: readonly ScoredSet[]): Uint8Array {
  const nameLength = Math.max(1, ...sets.map((set) => [...set.name].length));
  const count = sets.reduce((sum, set) => sum + set.scores.length, 0);
  const recordBytes = 4 * nameLength + 4 * 3 + 4 + 4;
  let header = `{'descr': [('set', '<U${nameLength}'), ('role', '<U3'), ('index', '<i4'), ('score', '<f4')], 'fortran_order': False, 'shape': (${count},), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  if (header.length > 65535) throw new ScoresHttpError(500, 'INTERNAL_SERVER_ERROR', 'the .npy header is too long');
  const out = new Uint8Array(10 + header.length + count * recordBytes);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  let offset = 10 + header.length;
  for (const set of sets) {
    const name = [...set.name].map((char) => char.codePointAt(0) ?? 0);
    for (let i = 0; i < set.scores.length; i++) {
      name.forEach((code, k) => view.setUint32(offset + 4 * k, code, true));
      const role = offset + 4 * nameLength;
      [...set.role].forEach((char, k) => view.setUint32(role + 4 * k, char.charCodeAt(0), true));
      view.setInt32(role + 12, i, true);
      view.setFloat32(role + 16, set.scores[i] ?? Number.NaN, true);
      offset += recordBytes;
    }
  }
  return out;
}

/** Reads the scored sets of a run, or throws the HTTP error that says why there are none. */
export async function scoredSets(
  runId: string,
  evaluations: EvaluationRepository,
  imageSets: ImageSetRepository,
): Promise<ScoredSet[]> {
  if (!UUID.test(runId))
    throw new ScoresHttpError(400, 'BAD_USER_INPUT', `'${runId.slice(0, 64)}' is not an evaluation run id (a UUID)`);
  const run = await evaluations.find(runId);
  if (run === null) throw new ScoresHttpError(404, 'NOT_FOUND', `evaluation run ${runId} does not exist`);
  if (run.status !== 'succeeded')
    throw new ScoresHttpError(
      409,
      'SCORES_NOT_AVAILABLE',
      `evaluation run ${runId} is ${run.status}: per-image scores are stored when it succeeds`,
    );
  const [rows, sets] = await Promise.all([
    evaluations.sampleScores(runId),
    imageSets.byIds([run.idImageSetId, ...run.oodImageSetIds]),
  ]);
  const names = new Map(sets.map((set) => [set.id, set.name]));
  const byId = new Map(rows.map((row) => [row.imageSetId, row.scores]));
  const order: [string, 'id' | 'ood'][] = [
    [run.idImageSetId, 'id'],
    ...run.oodImageSetIds.map((id): [string, 'ood'] => [id, 'ood']),
  ];
  const out: ScoredSet[] = [];
  for (const [imageSetId, role] of order) {
    const bytes = byId.get(imageSetId);
    if (bytes === undefined)
      throw new ScoresHttpError(
        409,
        'SCORES_NOT_AVAILABLE',
        `evaluation run ${runId} stored no scores for image set ${imageSetId} (evaluated before scores were kept?)`,
      );
    out.push({ imageSetId, name: names.get(imageSetId) ?? imageSetId, role, scores: float32(bytes) });
  }
  return out;
}

function handler(serve: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    serve(req, res).catch((error: unknown) => {
      if (error instanceof ScoresHttpError) res.status(error.status).json(httpErrorBody(error.code, error.message));
      else next(error);
    });
  };
}

export function evaluationScoresRoutes(
  evaluations: EvaluationRepository,
  imageSets: ImageSetRepository,
): FeatureRoute[] {
  return [
    {
      method: 'GET',
      path: '/runs/:id/scores.csv',
      handle: handler(async (req, res) => {
        const id = String(req.params['id']);
        const sets = await scoredSets(id, evaluations, imageSets);
        res.type('text/csv; charset=utf-8').attachment(`scores-${id}.csv`).send(scoresCsv(sets));
      }),
    },
    {
      method: 'GET',
      path: '/runs/:id/scores.npy',
      handle: handler(async (req, res) => {
        const id = String(req.params['id']);
        const sets = await scoredSets(id, evaluations, imageSets);
        const only = req.query['imageSet'];
        let bytes: Uint8Array;
        if (only === undefined) bytes = scoresStructuredNpy(sets);
        else {
          const set = sets.find((candidate) => candidate.imageSetId === only);
          if (set === undefined)
            throw new ScoresHttpError(
              400,
              'BAD_USER_INPUT',
              `imageSet must be one of the run's image sets: ${sets.map((candidate) => candidate.imageSetId).join(', ')}`,
            );
          bytes = serializeNpy(set.scores, [set.scores.length], 'float32');
        }
        res
          .type('application/octet-stream')
          .attachment(only === undefined ? `scores-${id}.npy` : `scores-${id}-${String(only)}.npy`)
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }),
    },
  ];
}
