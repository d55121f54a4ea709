// How an evaluation run stores a group permutation given at launch (evaluation_runs.group_permutation):
// int32 little-endian indices. Internal to apps/api.

/** A group permutation as stored with the run: int32 little-endian, whatever the host's byte order. */
export function encodeGroupPermutation(indices: Int32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(indices.length * 4);
  const view = new DataView(bytes.buffer);
  indices.forEach((value, i) => view.setInt32(i * 4, value, true));
  return bytes;
}

/** The stored permutation back as indices. */
export function decodeGroupPermutation(bytes: Uint8Array): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
}
