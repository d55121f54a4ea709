// Minimal protocol-buffers decoder: splits a message into its fields without a schema, keeping the
// exact bytes of every field so a rewriter can copy what it does not change. Internal to @negmine/formats.
import { FormatsError, FormatsErrorCode } from './errors';

export interface ProtobufField {
  readonly field: number;
  readonly wireType: 0 | 1 | 2 | 5;
  /** Varint value (wire type 0). */
  readonly varint?: bigint;
  /** Payload of a length-delimited field (wire type 2), a view into the message. */
  readonly bytes?: Uint8Array;
  /** The whole field (tag and payload) as it appears in the message, a view. */
  readonly raw: Uint8Array;
}

function truncated(what: string, offset: number): FormatsError {
  return new FormatsError(
    FormatsErrorCode.OnnxUndecodable,
    `protobuf message truncated or malformed (${what} at byte ${offset}); not an ONNX model?`,
    { offset },
  );
}

function readVarint(bytes: Uint8Array, start: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  let offset = start;
  for (;;) {
    if (offset >= bytes.length || shift > 63n) throw truncated('varint', start);
    const byte = bytes[offset++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: offset };
    shift += 7n;
  }
}

/** Every field of one message, in order. */
export function readProtobufFields(bytes: Uint8Array): ProtobufField[] {
  const fields: ProtobufField[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const start = offset;
    const tag = readVarint(bytes, offset);
    offset = tag.next;
    const field = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (field < 1) throw truncated('field number', start);
    if (wireType === 0) {
      const v = readVarint(bytes, offset);
      offset = v.next;
      fields.push({ field, wireType, varint: v.value, raw: bytes.subarray(start, offset) });
    } else if (wireType === 2) {
      const length = readVarint(bytes, offset);
      const end = length.next + Number(length.value);
      if (end > bytes.length) throw truncated('length-delimited field', start);
      fields.push({ field, wireType, bytes: bytes.subarray(length.next, end), raw: bytes.subarray(start, end) });
      offset = end;
    } else if (wireType === 1 || wireType === 5) {
      const end = offset + (wireType === 1 ? 8 : 4);
      if (end > bytes.length) throw truncated('fixed-width field', start);
      fields.push({ field, wireType, raw: bytes.subarray(start, end) });
      offset = end;
    } else {
      throw truncated(`unsupported wire type ${wireType}`, start);
    }
  }
  return fields;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function fieldString(field: ProtobufField): string {
  return field.bytes === undefined ? '' : decoder.decode(field.bytes);
}

/** Repeated varints, packed or not (proto3 packs repeated scalars by default). */
export function fieldVarints(field: ProtobufField): bigint[] {
  if (field.varint !== undefined) return [field.varint];
  const out: bigint[] = [];
  const bytes = field.bytes ?? new Uint8Array(0);
  let offset = 0;
  while (offset < bytes.length) {
    const v = readVarint(bytes, offset);
    out.push(v.value);
    offset = v.next;
  }
  return out;
}
