// A minimal WebAssembly binary writer: just enough of the format (type, function, memory, export and
// code sections, LEB128, the scalar and SIMD opcodes the resize kernels use) to emit a module from
// TypeScript, since the project ships no wasm toolchain and no prebuilt binaries. Opcode numbers
// follow the WebAssembly core specification 2.0 (binary format, SIMD proposal as merged).

/** Value types of parameters and locals. */
export enum WasmType {
  I32 = 0x7f,
  V128 = 0x7b,
}

function unsignedLeb128(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest !== 0 ? low | 0x80 : low);
  } while (rest !== 0);
  return bytes;
}

function signedLeb128(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    bytes.push(done ? low : low | 0x80);
    if (done) return bytes;
  }
}

function utf8Name(name: string): number[] {
  const bytes = [...Buffer.from(name, 'utf8')];
  return [...unsignedLeb128(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

/** SIMD instructions carry the 0xfd prefix and an LEB128 sub-opcode. */
const SIMD_PREFIX = 0xfd;
const BLOCK_TYPE_EMPTY = 0x40;

/** The body of one function: locals are declared up front, instructions appended in order. */
export class WasmFunctionBody {
  private readonly code: number[] = [];
  private readonly localTypes: WasmType[] = [];

  constructor(private readonly parameterCount: number) {}

  /** Declares a local and returns its index (parameters come first). */
  local(type: WasmType): number {
    this.localTypes.push(type);
    return this.parameterCount + this.localTypes.length - 1;
  }

  localGet(index: number): this {
    return this.emit(0x20, ...unsignedLeb128(index));
  }
  localSet(index: number): this {
    return this.emit(0x21, ...unsignedLeb128(index));
  }
  i32Const(value: number): this {
    return this.emit(0x41, ...signedLeb128(value));
  }
  localTee(index: number): this {
    return this.emit(0x22, ...unsignedLeb128(index));
  }
  i32Add(): this {
    return this.emit(0x6a);
  }
  i32Shl(): this {
    return this.emit(0x74);
  }
  i32Sub(): this {
    return this.emit(0x6b);
  }
  i32Mul(): this {
    return this.emit(0x6c);
  }
  i32LtU(): this {
    return this.emit(0x49);
  }
  /** One byte, zero-extended to i32. */
  i32Load8U(offset = 0): this {
    return this.emit(0x2d, 0, ...unsignedLeb128(offset));
  }
  f32Load(offset = 0): this {
    return this.emit(0x2a, 2, ...unsignedLeb128(offset));
  }
  /** Stores the f32 on top of the stack at the address below it. */
  f32Store(offset = 0): this {
    return this.emit(0x38, 2, ...unsignedLeb128(offset));
  }
  /** i32.load with a constant byte offset (natural 4-byte alignment hint). */
  i32Load(offset = 0): this {
    return this.emit(0x28, 2, ...unsignedLeb128(offset));
  }
  /** A do-while loop: `body` runs, then repeats while the i32 it leaves on the stack is non-zero. */
  doWhile(body: () => void): this {
    this.emit(0x03, BLOCK_TYPE_EMPTY);
    body();
    return this.emit(0x0d, 0, 0x0b);
  }

  v128Load(offset = 0): this {
    return this.simdMemory(0x00, 4, offset);
  }
  /** Eight bytes, each zero-extended to an i16 lane. */
  v128Load8x8U(offset = 0): this {
    return this.simdMemory(0x02, 3, offset);
  }
  v128Store(offset = 0): this {
    return this.simdMemory(0x0b, 4, offset);
  }
  /** Stores the four bytes of i32 lane `lane`. */
  v128Store32Lane(lane: number, offset = 0): this {
    this.simdMemory(0x5a, 2, offset);
    return this.emit(lane);
  }
  i32x4Splat(): this {
    return this.simd(0x11);
  }
  i16x8ExtendLowI8x16U(): this {
    return this.simd(0x89);
  }
  i16x8ExtendHighI8x16U(): this {
    return this.simd(0x8a);
  }
  i32x4ExtendLowI16x8U(): this {
    return this.simd(0xa9);
  }
  i32x4ExtendHighI16x8U(): this {
    return this.simd(0xaa);
  }
  i32x4Add(): this {
    return this.simd(0xae);
  }
  i32x4Mul(): this {
    return this.simd(0xb5);
  }
  /** Arithmetic shift right of every lane by the i32 on the stack. */
  i32x4ShrS(): this {
    return this.simd(0xac);
  }
  /** Two i32x4 -> one i16x8, each lane clamped to [-32768, 32767]. */
  i16x8NarrowI32x4S(): this {
    return this.simd(0x85);
  }
  /** Two i16x8 -> one u8x16, each lane clamped to [0, 255]. */
  i8x16NarrowI16x8U(): this {
    return this.simd(0x66);
  }

  /** The encoded body: locals grouped one entry per local, instructions, final `end`. */
  encode(): number[] {
    const locals = vector(this.localTypes.map((type) => [1, type]));
    const body = [...locals, ...this.code, 0x0b];
    return [...unsignedLeb128(body.length), ...body];
  }

  private simd(opcode: number): this {
    return this.emit(SIMD_PREFIX, ...unsignedLeb128(opcode));
  }
  private simdMemory(opcode: number, alignLog2: number, offset: number): this {
    return this.emit(SIMD_PREFIX, ...unsignedLeb128(opcode), alignLog2, ...unsignedLeb128(offset));
  }
  private emit(...bytes: number[]): this {
    for (const byte of bytes) this.code.push(byte);
    return this;
  }
}

interface ExportedFunction {
  readonly name: string;
  readonly parameters: readonly WasmType[];
  readonly body: WasmFunctionBody;
}

/** A module of exported functions without results over one exported memory named "memory". */
export class WasmModuleBuilder {
  private readonly functions: ExportedFunction[] = [];

  /** Adds an exported function; `build` fills its body given the parameter count. */
  addFunction(name: string, parameters: readonly WasmType[], build: (body: WasmFunctionBody) => void): void {
    const body = new WasmFunctionBody(parameters.length);
    build(body);
    this.functions.push({ name, parameters, body });
  }

  encode(initialMemoryPages: number): Uint8Array<ArrayBuffer> {
    const section = (id: number, content: number[]): number[] => [id, ...unsignedLeb128(content.length), ...content];
    const types = vector(this.functions.map((f) => [0x60, ...vector(f.parameters.map((t) => [t])), 0]));
    const functionTypes = vector(this.functions.map((_, index) => unsignedLeb128(index)));
    const memory = vector([[0x00, ...unsignedLeb128(initialMemoryPages)]]);
    const exports = vector([
      [...utf8Name('memory'), 0x02, 0],
      ...this.functions.map((f, index) => [...utf8Name(f.name), 0x00, ...unsignedLeb128(index)]),
    ]);
    const code = vector(this.functions.map((f) => f.body.encode()));
    return new Uint8Array([
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      ...section(1, types),
      ...section(3, functionTypes),
      ...section(5, memory),
      ...section(7, exports),
      ...section(10, code),
    ]);
  }
}
