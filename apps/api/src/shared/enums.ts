// GraphQL enums, registered once from the Prisma enums (which mirror the ids of @negmine/mining),
// plus the conversions between the database spelling and the libraries' ids.
import { registerEnumType } from 'type-graphql';
import { BACKBONE_IDS, type BackboneId } from '@negmine/mining';
import {
  Backbone,
  ImageSetKind,
  ModelKind,
  ModelStatus,
  RunStatus,
  ScoringMethod,
  SelectionMethod,
  SweepRole,
} from '../generated/prisma/enums.js';

export { Backbone, ImageSetKind, ModelKind, ModelStatus, RunStatus, ScoringMethod, SelectionMethod, SweepRole };

registerEnumType(ModelKind, {
  name: 'ModelKind',
  description: 'An ONNX model folder encoded here, or an embedding space imported as .npy',
});
registerEnumType(ModelStatus, { name: 'ModelStatus' });
registerEnumType(Backbone, {
  name: 'Backbone',
  description: 'CLIP backbone ids (hyperparameter presets are keyed by them)',
});
registerEnumType(SelectionMethod, {
  name: 'SelectionMethod',
  description: 'Negative-label selection strategy: knn_density (the paper) or neglabel',
});
registerEnumType(ScoringMethod, { name: 'ScoringMethod', description: 'OOD scoring method of @negmine/mining' });
registerEnumType(RunStatus, { name: 'RunStatus' });
registerEnumType(ImageSetKind, { name: 'ImageSetKind' });
registerEnumType(SweepRole, {
  name: 'SweepRole',
  description: "An evaluation's place in a validated sweep: a grid point (validation) or the chosen point (test)",
});

/** Prisma spells ids with `_` (identifiers); the libraries use `-` (e.g. vit-b16, knn-density). */
export function libraryId(prismaValue: string): string {
  return prismaValue.replace(/_/g, '-');
}

export function backboneId(value: Backbone): BackboneId {
  const id = libraryId(value);
  const match = BACKBONE_IDS.find((known) => known === id);
  if (match === undefined) throw new Error(`backbone ${value} is not one of ${BACKBONE_IDS.join(', ')}`);
  return match;
}

export const TERMINAL_STATUSES: readonly RunStatus[] = [RunStatus.succeeded, RunStatus.failed, RunStatus.cancelled];
