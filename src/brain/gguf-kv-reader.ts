// Reads a GGUF's metadata as raw entries (key, value type, value bytes), so a writer can copy values byte for byte.
import { ValueType } from "./gguf-writer.js";

/** One metadata entry: `bytes` is the value as stored after its type tag (for arrays: element type, count, elements). */
export interface RawKvEntry {
  key: string;
  valueType: number;
  bytes: Buffer;
}

/** What {@link readGgufKv} found: the entries in file order, or why the bytes are not a GGUF it can read. */
export type GgufKvResult =
  { ok: true; version: number; tensorCount: number; entries: RawKvEntry[] } | { ok: false; reason: string };

const GGUF_MAGIC = 0x46554747;
/** Sizes of the fixed-width value types; strings and arrays are measured as they are read. */
const FIXED_SIZE: Partial<Record<number, number>> = {
  [ValueType.U8]: 1,
  [ValueType.I8]: 1,
  [ValueType.U16]: 2,
  [ValueType.I16]: 2,
  [ValueType.U32]: 4,
  [ValueType.I32]: 4,
  [ValueType.F32]: 4,
  [ValueType.Bool]: 1,
  [ValueType.U64]: 8,
  [ValueType.I64]: 8,
  [ValueType.F64]: 8,
};

/** Parses the header and metadata of the GGUF (v2 or v3) in `bytes`. Never throws for malformed input. */
export function readGgufKv(bytes: Buffer): GgufKvResult {
  if (bytes.length < 24 || bytes.readUInt32LE(0) !== GGUF_MAGIC) return { ok: false, reason: "not a GGUF file" };
  const version = bytes.readUInt32LE(4);
  if (version !== 2 && version !== 3) return { ok: false, reason: `GGUF version ${version} is not supported` };
  const tensorCount = Number(bytes.readBigUInt64LE(8));
  const kvCount = Number(bytes.readBigUInt64LE(16));
  const entries: RawKvEntry[] = [];
  let offset = 24;
  try {
    for (let i = 0; i < kvCount; i++) {
      const keyLength = Number(bytes.readBigUInt64LE(offset));
      const key = bytes.toString("utf8", offset + 8, offset + 8 + keyLength);
      offset += 8 + keyLength;
      const valueType = bytes.readUInt32LE(offset);
      offset += 4;
      const end = skipValue(bytes, offset, valueType);
      entries.push({ key, valueType, bytes: bytes.subarray(offset, end) });
      offset = end;
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { ok: false, reason: `metadata runs past the end of the file (${error.message})` };
  }
  return { ok: true, version, tensorCount, entries };
}

/** The offset just past the value of `valueType` that starts at `offset`; a RangeError when the bytes end first. */
function skipValue(bytes: Buffer, offset: number, valueType: number): number {
  const fixed = FIXED_SIZE[valueType];
  if (fixed !== undefined) return checkedEnd(bytes, offset + fixed);
  if (valueType === ValueType.String) return checkedEnd(bytes, offset + 8 + Number(bytes.readBigUInt64LE(offset)));
  if (valueType !== ValueType.Array) throw new RangeError(`unknown value type ${valueType}`);
  const elementType = bytes.readUInt32LE(offset);
  const count = Number(bytes.readBigUInt64LE(offset + 4));
  const elementSize = FIXED_SIZE[elementType];
  if (elementSize !== undefined) return checkedEnd(bytes, offset + 12 + count * elementSize);
  let cursor = offset + 12;
  for (let i = 0; i < count; i++) cursor = skipValue(bytes, cursor, elementType);
  return cursor;
}

function checkedEnd(bytes: Buffer, end: number): number {
  if (end > bytes.length) throw new RangeError(`value ends at byte ${end} of ${bytes.length}`);
  return end;
}

/** The strings of a raw string-array value. */
export function decodeStringArray(bytes: Buffer): string[] {
  const count = Number(bytes.readBigUInt64LE(4));
  const out: string[] = [];
  let offset = 12;
  for (let i = 0; i < count; i++) {
    const length = Number(bytes.readBigUInt64LE(offset));
    out.push(bytes.toString("utf8", offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return out;
}

/** The numbers of a raw i32-array value. */
export function decodeI32Array(bytes: Buffer): number[] {
  const count = Number(bytes.readBigUInt64LE(4));
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(bytes.readInt32LE(12 + i * 4));
  return out;
}

/** The text of a raw string value. */
export function decodeString(bytes: Buffer): string {
  return bytes.toString("utf8", 8, 8 + Number(bytes.readBigUInt64LE(0)));
}
