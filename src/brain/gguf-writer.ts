// Serializes GGUF v3 files: metadata in the given order, tensors F32 or F16, each aligned. Pure: same input, same bytes.

/** GGUF metadata value types, as the format numbers them. */
export const enum ValueType {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
}

/** One metadata value. `raw` carries a value copied byte for byte from another GGUF (see gguf-kv-reader.ts). */
export type KvValue =
  | { type: ValueType.U32; value: number }
  | { type: ValueType.U64; value: number }
  | { type: ValueType.F32; value: number }
  | { type: ValueType.Bool; value: boolean }
  | { type: ValueType.String; value: string }
  | { type: ValueType.Array; elementType: ValueType.String; value: string[] }
  | { type: ValueType.Array; elementType: ValueType.F32; value: number[] }
  | { type: ValueType.Array; elementType: ValueType.I32; value: number[] }
  | { type: "raw"; valueType: number; bytes: Buffer };

/** One tensor. `dims` go ne0 first, as GGUF stores them. `storeAs` defaults to `"f32"`. */
export interface TensorSpec {
  name: string;
  dims: number[];
  data: Float32Array;
  storeAs?: "f32" | "f16";
}

const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
const GGUF_VERSION = 3;
/** The `general.alignment` every file written here uses. */
export const GGUF_ALIGNMENT = 32;
const GGML_TYPE = { f32: 0, f16: 1 } as const;

/** The GGUF v3 bytes of `kv` (metadata, in order) and `tensors` (each aligned to {@link GGUF_ALIGNMENT}). */
export function serializeGguf(kv: ReadonlyArray<[string, KvValue]>, tensors: readonly TensorSpec[]): Buffer {
  const writer = new ByteWriter();
  writer.u32(GGUF_MAGIC);
  writer.u32(GGUF_VERSION);
  writer.u64(tensors.length);
  writer.u64(kv.length);
  for (const [key, value] of kv) {
    writer.string(key);
    writeKvValue(writer, value);
  }
  const payloads = tensors.map(encodeTensorData);
  let offset = 0;
  tensors.forEach((tensor, index) => {
    writer.string(tensor.name);
    writer.u32(tensor.dims.length);
    for (const dim of tensor.dims) writer.u64(dim);
    writer.u32(GGML_TYPE[tensor.storeAs ?? "f32"]);
    writer.u64(offset);
    offset = alignUp(offset + (payloads[index]?.length ?? 0), GGUF_ALIGNMENT);
  });
  writer.padTo(GGUF_ALIGNMENT);
  for (const payload of payloads) {
    writer.bytes(payload);
    writer.padTo(GGUF_ALIGNMENT);
  }
  return writer.toBuffer();
}

function encodeTensorData(tensor: TensorSpec): Buffer {
  const { data } = tensor;
  if ((tensor.storeAs ?? "f32") === "f32") return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.alloc(data.length * 2);
  for (let i = 0; i < data.length; i++) out.writeUInt16LE(float32ToFloat16Bits(data[i] ?? 0), i * 2);
  return out;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half-precision bits of `value`, rounded to nearest even; overflow gives infinity, tiny values subnormals. */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const bits = u32Scratch[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    const rounded = (mantissa >>> shift) + roundBit(mantissa, shift);
    return sign | rounded;
  }
  const rounded = ((halfExponent << 10) | (mantissa >>> 13)) + roundBit(mantissa, 13);
  return sign | rounded;
}

/** 1 when the bits below `shift` round the kept part up (round half to even), else 0. */
function roundBit(mantissa: number, shift: number): number {
  const half = 1 << (shift - 1);
  const rest = mantissa & ((1 << shift) - 1);
  if (rest > half) return 1;
  if (rest < half) return 0;
  return (mantissa >>> shift) & 1;
}

function writeKvValue(writer: ByteWriter, value: KvValue): void {
  if (value.type === "raw") {
    writer.u32(value.valueType);
    writer.bytes(value.bytes);
    return;
  }
  writer.u32(value.type);
  switch (value.type) {
    case ValueType.U32:
      writer.u32(value.value);
      return;
    case ValueType.U64:
      writer.u64(value.value);
      return;
    case ValueType.F32:
      writer.f32(value.value);
      return;
    case ValueType.Bool:
      writer.bytes(Buffer.from([value.value ? 1 : 0]));
      return;
    case ValueType.String:
      writer.string(value.value);
      return;
    case ValueType.Array:
      writer.u32(value.elementType);
      writer.u64(value.value.length);
      for (const element of value.value) {
        if (value.elementType === ValueType.String) writer.string(element as string);
        else if (value.elementType === ValueType.F32) writer.f32(element as number);
        else writer.i32(element as number);
      }
      return;
  }
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** Growable little-endian buffer writer. */
class ByteWriter {
  private chunks: Buffer[] = [];
  private length = 0;

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  bytes(value: Buffer): void {
    this.push(Buffer.from(value));
  }
  padTo(alignment: number): void {
    const pad = alignUp(this.length, alignment) - this.length;
    if (pad > 0) this.push(Buffer.alloc(pad));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}
