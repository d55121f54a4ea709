// The enums that cross layers are one list: the Prisma (and so GraphQL) enums hold exactly the
// libraries' ids, and the GraphQL run kinds are the domain's.
import { BACKBONE_IDS, SCORING_METHOD_IDS, SELECTION_METHOD_IDS } from '@negmine/mining';
import { RUN_KINDS } from '../runs/run-kind';
import { RunKindEnum } from '../runs/run.type';
import { Backbone, libraryId, ScoringMethod, SelectionMethod } from './enums';

const sorted = (values: readonly string[]) => [...values].sort();

describe('enums shared with the libraries', () => {
  it('ScoringMethod is SCORING_METHOD_IDS', () => {
    expect(sorted(Object.values(ScoringMethod).map(libraryId))).toEqual(sorted(SCORING_METHOD_IDS));
  });

  it('SelectionMethod is SELECTION_METHOD_IDS', () => {
    expect(sorted(Object.values(SelectionMethod).map(libraryId))).toEqual(sorted(SELECTION_METHOD_IDS));
  });

  it('Backbone is BACKBONE_IDS', () => {
    expect(sorted(Object.values(Backbone).map(libraryId))).toEqual(sorted(BACKBONE_IDS));
  });

  it('the GraphQL RunKind is the domain RunKind', () => {
    expect(sorted(Object.values(RunKindEnum))).toEqual(sorted(RUN_KINDS));
  });
});
