// The tiny seeded random tensors of a stand-in model, laid out for its architecture; the token embedding is F16 and doubles as the output matrix.
import { createSeededRandom } from "../seeded-random.js";
import type { TensorSpec } from "./gguf-writer.js";

/** Shape of a stand-in's transformer. Small on purpose: the vocabulary, not the network, is what a stand-in tests. */
export interface StandInShape {
  embeddingLength: number;
  blockCount: number;
  headCount: number;
  feedForwardLength: number;
}

/** Defaults: a 32-wide, 2-block network; the F16 embedding of a 150k vocabulary is then about 10 MB. */
export const DEFAULT_STAND_IN_SHAPE: StandInShape = {
  embeddingLength: 32,
  blockCount: 2,
  headCount: 2,
  feedForwardLength: 64,
};

/** Architectures whose tensors {@link buildStandInTensors} lays out. */
export type StandInArchitecture = "qwen2" | "qwen3" | "llama" | "smollm3";

function randomTensor(random: () => number, count: number, scale: number): Float32Array {
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = (random() * 2 - 1) * scale;
  return data;
}

/**
 * The tensors of a stand-in: `token_embd` (F16, tied as the output, so no `output.weight`), per block the llama-style
 * attention and gated feed-forward, Qwen2's q/k/v biases and Qwen3's q/k norms. Same seed and shape, same numbers.
 */
export function buildStandInTensors(
  architecture: StandInArchitecture,
  vocabSize: number,
  shape: StandInShape,
  seed: number,
): TensorSpec[] {
  const { embeddingLength: nEmbd, feedForwardLength: nFf } = shape;
  const headDim = nEmbd / shape.headCount;
  const random = createSeededRandom(seed);
  const proj = 1 / Math.sqrt(nEmbd);
  const tensors: TensorSpec[] = [
    {
      name: "token_embd.weight",
      dims: [nEmbd, vocabSize],
      data: randomTensor(random, nEmbd * vocabSize, 0.5),
      storeAs: "f16",
    },
  ];
  const square = (name: string): TensorSpec => ({
    name,
    dims: [nEmbd, nEmbd],
    data: randomTensor(random, nEmbd * nEmbd, proj),
  });
  const ones = (name: string, count: number): TensorSpec => ({
    name,
    dims: [count],
    data: new Float32Array(count).fill(1),
  });
  for (let b = 0; b < shape.blockCount; b++) {
    const p = `blk.${b}.`;
    tensors.push(ones(`${p}attn_norm.weight`, nEmbd), square(`${p}attn_q.weight`), square(`${p}attn_k.weight`));
    tensors.push(square(`${p}attn_v.weight`), square(`${p}attn_output.weight`));
    if (architecture === "qwen2") {
      for (const part of ["q", "k", "v"]) {
        tensors.push({ name: `${p}attn_${part}.bias`, dims: [nEmbd], data: randomTensor(random, nEmbd, 0.1) });
      }
    }
    if (architecture === "qwen3")
      tensors.push(ones(`${p}attn_q_norm.weight`, headDim), ones(`${p}attn_k_norm.weight`, headDim));
    tensors.push(
      ones(`${p}ffn_norm.weight`, nEmbd),
      { name: `${p}ffn_gate.weight`, dims: [nEmbd, nFf], data: randomTensor(random, nEmbd * nFf, proj) },
      { name: `${p}ffn_up.weight`, dims: [nEmbd, nFf], data: randomTensor(random, nEmbd * nFf, proj) },
      { name: `${p}ffn_down.weight`, dims: [nFf, nEmbd], data: randomTensor(random, nFf * nEmbd, 1 / Math.sqrt(nFf)) },
    );
  }
  tensors.push(ones("output_norm.weight", nEmbd));
  return tensors;
}
