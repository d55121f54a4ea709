// The detector feature: frozen, calibrated OOD detectors (createDetector from an evaluation or a
// mining run, list/get/delete, detect) and their downloads: detector.onnx, detector.json and, for
// ONNX models, pipeline.onnx (vision tower + detector); POST /detectors/:id/detect, detect on a binary .npy.
import type { Request, RequestHandler, Response } from 'express';
import { defineFeature, type FeatureRoute } from '../../feature';
import { ApiErrorCode, publicError } from '../../errors';
import { httpErrorBody } from '../../plugins/http-errors';
import type { EmbeddingStore } from '../../shared/embedding-store';
import type { WordNetCorpus } from '../../shared/wordnet-corpus';
import type { EncodingService } from '../embedding';
import type { EvaluationService } from '../evaluation';
import type { ImageSetRepository } from '../image-set';
import type { LabelSetRepository } from '../label-set';
import type { MiningRepository } from '../mining';
import type { ClipModels, ModelRepository } from '../model';
import { detectRoute } from './detect.routes';
import { DetectorInputs } from './detector-inputs';
import { DetectorRepository } from './detector.repository';
import { DetectorResolver } from './detector.resolver';
import { DetectorService } from './detector.service';

export { DetectorRepository } from './detector.repository';
export { DetectorService } from './detector.service';

interface Needs {
  readonly labelSetRepository: LabelSetRepository;
  readonly modelRepository: ModelRepository;
  readonly imageSetRepository: ImageSetRepository;
  readonly miningRepository: MiningRepository;
  readonly embeddings: EmbeddingStore;
  readonly encoding: EncodingService;
  readonly wordNet: WordNetCorpus;
  readonly evaluations: EvaluationService;
  readonly clipModels: ClipModels;
}

/** A download: the file with its type, or the JSON error body (404 NOT_FOUND for an unknown id). */
function download(
  contentType: string,
  fileName: string,
  read: (id: string) => Promise<Uint8Array | string>,
): RequestHandler {
  return (req: Request, res: Response, next) => {
    const id = String(req.params['id']);
    read(id).then(
      (body) => {
        res.setHeader('Content-Type', contentType);
        res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
        res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
        res
          .status(200)
          .send(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
      },
      (error: unknown) => {
        const known = publicError(error);
        if (known === undefined) return next(error);
        const status = known.code === ApiErrorCode.NotFound ? 404 : 400;
        res.status(status).json(httpErrorBody(known.code, known.message, known.details));
      },
    );
  };
}

export const detectorFeature = defineFeature({
  name: 'detector',
  resolvers: [DetectorResolver],
  needs: [
    'labelSetRepository',
    'modelRepository',
    'imageSetRepository',
    'miningRepository',
    'embeddings',
    'encoding',
    'wordNet',
    'evaluations',
    'clipModels',
  ],
  createServices: ({ prisma, config }, needs: Needs) => {
    const detectorRepository = new DetectorRepository(prisma);
    const inputs = new DetectorInputs(
      needs.embeddings,
      needs.encoding,
      needs.wordNet,
      needs.miningRepository,
      needs.imageSetRepository,
    );
    return {
      detectorRepository,
      detectors: new DetectorService(
        detectorRepository,
        inputs,
        needs.evaluations,
        needs.miningRepository,
        needs.labelSetRepository,
        needs.modelRepository,
        needs.imageSetRepository,
        needs.clipModels,
        config,
      ),
    };
  },
  createRoutes: ({ detectors }): FeatureRoute[] => {
    return [
      {
        method: 'GET',
        path: '/detectors/:id/detector.onnx',
        handle: download('application/octet-stream', 'detector.onnx', (id) => detectors.onnxFile(id)),
      },
      {
        method: 'GET',
        path: '/detectors/:id/detector.json',
        handle: download('application/json; charset=utf-8', 'detector.json', (id) => detectors.manifestFile(id)),
      },
      {
        method: 'GET',
        path: '/detectors/:id/pipeline.onnx',
        handle: download('application/octet-stream', 'pipeline.onnx', (id) => detectors.pipelineFile(id)),
      },
      detectRoute(detectors, detectors.maxBodyBytes),
    ];
  },
});
