// Reads a .npy that a request gives either inline (base64) or as a path under the allowed import
// roots; shared by importEmbeddings and launchEvaluation's group permutation. Internal to apps/api.
import { readFile } from 'node:fs/promises';
import { parseNpy, type NpyArray } from '@negmine/formats';
import { badInput } from '../errors';
import { pathUnderRoots } from './paths';

export interface NpySource {
  readonly npyBase64?: string | null;
  readonly npyPath?: string | null;
}

/** True when the source names a file (base64 or path), whether or not it names it once. */
export function hasNpySource(source: NpySource): boolean {
  return source.npyBase64 != null || source.npyPath != null;
}

/** The parsed array; `what` names it in errors (e.g. 'the .npy' or 'permutation.npyPath'). */
export async function readNpySource(
  source: NpySource,
  importRoots: readonly string[],
  what: string,
): Promise<NpyArray> {
  if ((source.npyBase64 == null) === (source.npyPath == null)) {
    throw badInput(`give ${what} either as npyBase64 or as npyPath, not both and not neither`);
  }
  const bytes =
    source.npyBase64 != null
      ? Buffer.from(source.npyBase64, 'base64')
      : await readFile(pathUnderRoots(source.npyPath!, importRoots, `${what} file`, 'NEGMINE_IMPORT_ROOTS'));
  return parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
