// Exports of a mining run's negatives, in rank order, with the filters of Query.negatives
// (pos, lexname, flagged, search): GET /mining-runs/:id/negatives.csv (every column),
// /mining-runs/:id/negatives.json (an array of the GraphQL NegativeLabel objects) and
// /mining-runs/:id/negatives.txt (the plain word list, one per line, that NegLabel's users load).
// Read in chunks of EXPORT_CHUNK by rank, written as they come (a 50,000-negative run never sits
// in memory as one string).
import type { Request, RequestHandler, Response } from 'express';
import type { Prisma } from '../../db/prisma.service';
import type { FeatureRoute } from '../../feature';
import { httpErrorBody } from '../../plugins/http-errors';
import type { MiningRepository } from './mining.repository';
import type { NegativeLabel } from './mining.type';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXPORT_CHUNK = 5000;
const FORMATS = ['csv', 'json', 'txt'] as const;
type Format = (typeof FORMATS)[number];

const CSV_COLUMNS = [
  'rank',
  'word',
  'pos',
  'lexname',
  'statistic',
  'falseNegativeFlags',
  'flagged',
  'nearestIdLabel',
  'nearestIdCosine',
  'corpusIndex',
] as const;

class ExportError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(';') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new ExportError(400, 'BAD_USER_INPUT', `${name} must be given once, as a string`);
  return value;
}

/** The where of the export from the query string (the fields of NegativeFilter). */
export function exportWhere(miningRunId: string, req: Request): Prisma.NegativeLabelWhereInput {
  const where: Prisma.NegativeLabelWhereInput = { miningRunId };
  const pos = single(req, 'pos');
  if (pos !== undefined && pos !== '') where.pos = pos;
  const lexname = single(req, 'lexname');
  if (lexname !== undefined && lexname !== '') where.lexname = lexname;
  const flagged = single(req, 'flagged');
  if (flagged !== undefined && flagged !== '') {
    if (flagged !== 'true' && flagged !== 'false')
      throw new ExportError(400, 'BAD_USER_INPUT', `flagged must be 'true' or 'false', got '${flagged.slice(0, 20)}'`);
    where.flagged = flagged === 'true';
  }
  const search = single(req, 'search');
  if (search !== undefined && search !== '') where.word = { contains: search, mode: 'insensitive' };
  return where;
}

function line(format: Format, row: NegativeLabel, first: boolean): string {
  if (format === 'txt') return `${row.word}\n`;
  if (format === 'csv') return `${CSV_COLUMNS.map((column) => csvCell(row[column])).join(',')}\r\n`;
  const node = Object.fromEntries(CSV_COLUMNS.map((column) => [column, row[column]]));
  return `${first ? '' : ',\n'}${JSON.stringify(node)}`;
}

function exportRoute(format: Format, mining: MiningRepository): FeatureRoute {
  const handle: RequestHandler = (req: Request, res: Response, next) => {
    void (async () => {
      const id = String(req.params['id']);
      if (!UUID.test(id))
        throw new ExportError(400, 'BAD_USER_INPUT', `'${id.slice(0, 64)}' is not a mining run id (a UUID)`);
      const where = exportWhere(id, req);
      const run = await mining.find(id);
      if (run === null) throw new ExportError(404, 'NOT_FOUND', `mining run ${id} does not exist`);
      if (run.status !== 'succeeded')
        throw new ExportError(
          409,
          'NEGATIVES_NOT_AVAILABLE',
          `mining run ${id} is ${run.status}: its negatives are stored when it succeeds`,
        );
      res.type(
        format === 'csv'
          ? 'text/csv; charset=utf-8'
          : format === 'json'
            ? 'application/json; charset=utf-8'
            : 'text/plain; charset=utf-8',
      );
      res.attachment(`negatives-${id}.${format}`);
      res.write(format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : format === 'json' ? '[\n' : '');
      let after = -1;
      let first = true;
      for (;;) {
        const rows = await mining.negativesAfterRank(where, after, EXPORT_CHUNK);
        let chunk = '';
        for (const row of rows) {
          chunk += line(format, row, first);
          first = false;
        }
        if (chunk !== '' && !res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        if (rows.length < EXPORT_CHUNK) break;
        after = rows[rows.length - 1]?.rank ?? after;
      }
      res.end(format === 'json' ? '\n]\n' : '');
    })().catch((error: unknown) => {
      if (error instanceof ExportError && !res.headersSent)
        res.status(error.status).json(httpErrorBody(error.code, error.message));
      else if (res.headersSent) res.destroy(error instanceof Error ? error : new Error(String(error)));
      else next(error);
    });
  };
  return { method: 'GET', path: `/mining-runs/:id/negatives.${format}`, handle };
}

export function negativeExportRoutes(mining: MiningRepository): FeatureRoute[] {
  return FORMATS.map((format) => exportRoute(format, mining));
}
