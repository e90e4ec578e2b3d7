// The GGUF writer stores F16 by IEEE round-to-nearest-even, and the raw metadata reader gives back what the writer
// wrote, byte for byte, and reports a cut-short file as a reason instead of throwing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeI32Array, decodeString, decodeStringArray, readGgufKv } from "../../src/brain/gguf-kv-reader.js";
import { float32ToFloat16Bits, serializeGguf, ValueType } from "../../src/brain/gguf-writer.js";

test("float32 values become the IEEE half-precision bits, rounded to nearest even", () => {
  const cases: Array<[number, number]> = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up past the largest half: infinity
    [1e6, 0x7c00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -26, 0x0000],
    [1 + 2 ** -11, 0x3c00], // a tie rounds to the even mantissa
    [1 + 3 * 2 ** -11, 0x3c02],
    [Number.NaN, 0x7e00],
  ];
  for (const [value, bits] of cases) assert.equal(float32ToFloat16Bits(value), bits, `${value}`);
});

test("metadata written by the writer reads back raw and decodes to the same values", () => {
  const bytes = serializeGguf(
    [
      ["a.name", { type: ValueType.String, value: "ünï" }],
      ["a.list", { type: ValueType.Array, elementType: ValueType.String, value: ["x", "", "<|im_start|>"] }],
      ["a.ids", { type: ValueType.Array, elementType: ValueType.I32, value: [1, -3, 4] }],
      ["a.flag", { type: ValueType.Bool, value: true }],
    ],
    [{ name: "t", dims: [2], data: new Float32Array([1, -2]), storeAs: "f16" }],
  );
  const read = readGgufKv(bytes);
  assert.ok(read.ok);
  assert.equal(read.tensorCount, 1);
  assert.deepEqual(
    read.entries.map((entry) => entry.key),
    ["a.name", "a.list", "a.ids", "a.flag"],
  );
  const [name, list, ids, flag] = read.entries;
  assert.equal(decodeString(name!.bytes), "ünï");
  assert.deepEqual(decodeStringArray(list!.bytes), ["x", "", "<|im_start|>"]);
  assert.deepEqual(decodeI32Array(ids!.bytes), [1, -3, 4]);
  assert.deepEqual([...flag!.bytes], [1]);
  const copied = serializeGguf(
    read.entries.map((entry) => [entry.key, { type: "raw", valueType: entry.valueType, bytes: entry.bytes }]),
    [{ name: "t", dims: [2], data: new Float32Array([1, -2]), storeAs: "f16" }],
  );
  assert.ok(copied.equals(bytes), "raw entries copy byte for byte");
  assert.equal(bytes.readUInt16LE(bytes.length - 32), 0x3c00, "the f16 tensor data starts aligned");
});

test("a GGUF cut short in its metadata is a reason, not a throw", () => {
  const bytes = serializeGguf(
    [["a.list", { type: ValueType.Array, elementType: ValueType.String, value: ["xyz"] }]],
    [],
  );
  const cut = readGgufKv(bytes.subarray(0, 62)); // the metadata ends at byte 65, then alignment padding
  assert.equal(cut.ok, false);
  assert.match(cut.ok ? "" : cut.reason, /past the end/);
  const notGguf = readGgufKv(Buffer.from("not a gguf at all, no magic here"));
  assert.deepEqual(notGguf, { ok: false, reason: "not a GGUF file" });
});
