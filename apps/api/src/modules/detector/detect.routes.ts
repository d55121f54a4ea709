// The HTTP fast path of `detect`: POST /detectors/:id/detect with a binary `.npy` body (float32 or
// float64 [n, d], Content-Type application/x-npy or application/octet-stream), answered with the
// JSON of the GraphQL DetectResult ({ detectorId, count, results: [{ index, score, isOod,
// predictedLabel, predictedClass, predictedProbability }] }) or, with Accept: application/x-npy,
// the float32 scores [n] as a `.npy`. No base64, no GraphQL parse/validate/execute per request;
// the checks, errors, session cache and micro-batching are DetectorService's, shared with the mutation.
import express, { type Request, type RequestHandler, type Response } from 'express';
import { serializeNpy } from '@negmine/formats';
import { ApiErrorCode, publicError } from '../../errors';
import type { FeatureRoute } from '../../feature';
import { boundedMessage } from '../../plugins/error-formatting';
import { describeHttpError, httpErrorBody } from '../../plugins/http-errors';
import type { DetectorService } from './detector.service';

export const NPY_MEDIA_TYPES = ['application/x-npy', 'application/octet-stream'] as const;
const MAX_DETAILS_JSON = 1_000;

const STATUS: Partial<Record<ApiErrorCode, number>> = {
  [ApiErrorCode.NotFound]: 404,
  [ApiErrorCode.Forbidden]: 403,
  [ApiErrorCode.Conflict]: 409,
  [ApiErrorCode.Overloaded]: 503,
};

function sendError(res: Response, status: number, code: string, message: string, details = {}): void {
  const extra = JSON.stringify(details).length <= MAX_DETAILS_JSON ? details : {};
  res.status(status).json(httpErrorBody(code, boundedMessage(message), extra));
}

/** The route; `maxBodyBytes` is the validated body limit (NEGMINE_MAX_BODY_BYTES). */
export function detectRoute(detectors: DetectorService, maxBodyBytes: number): FeatureRoute {
  const rawBody = express.raw({ type: [...NPY_MEDIA_TYPES], limit: maxBodyBytes });
  const handle: RequestHandler = (req: Request, res: Response, next) => {
    rawBody(req, res, (parseError?: unknown) => {
      if (parseError !== undefined) {
        const known = describeHttpError(parseError, maxBodyBytes);
        if (known === undefined) return next(parseError);
        return sendError(res, known.status, known.code, known.message);
      }
      if (!Buffer.isBuffer(req.body)) {
        return sendError(
          res,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `send the embeddings as a .npy file (float32 or float64 [n, d]) with Content-Type ${NPY_MEDIA_TYPES.join(' or ')}`,
        );
      }
      const body = req.body as Buffer;
      const wantsNpy = req.accepts(['application/json', 'application/x-npy']) === 'application/x-npy';
      detectors.detectNpy(String(req.params['id']), new Uint8Array(body.buffer, body.byteOffset, body.byteLength)).then(
        (result) => {
          if (!wantsNpy) {
            res.status(200).json(result);
            return;
          }
          const scores = Float32Array.from(result.results, (detection) => detection.score);
          const npy = serializeNpy(scores, [scores.length], 'float32');
          res
            .status(200)
            .type('application/x-npy')
            .send(Buffer.from(npy.buffer, npy.byteOffset, npy.byteLength));
        },
        (error: unknown) => {
          const known = publicError(error);
          if (known === undefined) return next(error);
          if (known.code === ApiErrorCode.Overloaded) res.setHeader('Retry-After', '1');
          sendError(res, STATUS[known.code] ?? 400, known.code, known.message, known.details);
        },
      );
    });
  };
  return { method: 'POST', path: '/detectors/:id/detect', handle };
}
