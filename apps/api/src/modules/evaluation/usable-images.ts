// The last checks on an evaluation's image sets once their files are encoded: each set must keep
// at least one usable image, and a stream order given at launch must still cover the images that
// are left (files that failed to decode shorten the stream). Both fail the run with a typed error
// that names the set and the number of files left out, instead of the library's generic one.
import { badInput } from '../../errors';

/** One image set of a run after gathering: how many images it lists and how many have an embedding. */
export interface GatheredSet {
  readonly role: 'ID' | 'OOD';
  readonly id: string;
  readonly name: string;
  readonly total: number;
  readonly usable: number;
}

function setLabel(set: GatheredSet): string {
  return `${set.role} image set '${set.name}' (${set.id})`;
}

/** Throws NO_USABLE_IMAGES when a set has no image with an embedding for the run's model. */
export function assertUsableImages(sets: readonly GatheredSet[]): void {
  for (const set of sets) {
    if (set.usable > 0) continue;
    throw badInput(
      set.total === 0
        ? `${setLabel(set)} has no images; give a set with at least one image`
        : `${setLabel(set)} has no usable image: all ${set.total} of its files failed to decode for this model ` +
            `(listed in the run's decodeFailures); replace or remove them and register the set again`,
      { reason: 'NO_USABLE_IMAGES', imageSetId: set.id, role: set.role, imageCount: set.total, failed: set.total },
    );
  }
}

/**
 * Throws STREAM_ORDER_LENGTH when a stream order given for an OOD set no longer has one entry per
 * usable image (rows: the OOD set's images, then the ID set's) because some files failed to decode.
 */
export function assertStreamOrderLengths(
  id: GatheredSet,
  oodSets: readonly GatheredSet[],
  orders: Readonly<Record<string, Int32Array>>,
): void {
  for (const ood of oodSets) {
    const order = orders[ood.id];
    if (order === undefined) continue;
    const usable = ood.usable + id.usable;
    const launched = ood.total + id.total;
    if (order.length === usable || order.length !== launched) continue;
    const failed = launched - usable;
    throw badInput(
      `the stream order given for ${setLabel(ood)} has ${order.length} entries (one per image of the OOD and ID sets ` +
        `at launch), but ${failed} of those ${launched} files failed to decode for this model ` +
        `(${ood.total - ood.usable} of the OOD set, ${id.total - id.usable} of ${setLabel(id)}; listed in the run's ` +
        `decodeFailures), so the stream has ${usable} images; launch again with an order of ${usable} entries ` +
        `over the usable images (rows: OOD first, then ID, in set order without the failed files) or without one`,
      {
        reason: 'STREAM_ORDER_LENGTH',
        imageSetId: ood.id,
        orderLength: order.length,
        usableImages: usable,
        failed,
      },
    );
  }
}
