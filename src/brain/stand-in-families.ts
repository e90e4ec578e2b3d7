// The model families a stand-in can copy: where llama.cpp keeps each one's vocabulary and chat template, and what the family's released GGUFs set on top of that vocabulary.

/** A family whose tokenizer and chat template a stand-in model carries. */
export type StandInFamily = "qwen2.5" | "qwen3" | "llama3.2" | "smollm3";

/** llama.cpp's token types. */
export const TOKEN_TYPE = { normal: 1, control: 3, userDefined: 4 } as const;

/** A token whose text (and type) the family's release has at an id where llama.cpp's vocab GGUF has another. */
export interface TokenRename {
  id: number;
  text: string;
  type: number;
}

/** Everything a stand-in of one family takes from the family. Paths are inside llama.cpp's source tree. */
export interface StandInFamilySpec {
  family: StandInFamily;
  /** The released models this stands in for, for the `general.name` label. */
  label: string;
  /**
   * `general.size_label` of the smallest release, as its GGUFs carry it. node-llama-cpp reads it with the name to pick a
   * family's wrapper (Llama 3.2's lightweight one is for the 1B and 3B only); the stand-in's own weights are tiny.
   */
  sizeLabel: string;
  vocabPath: string;
  templatePath: string;
  /** `general.architecture` of the family's GGUFs; the stand-in's tensors follow it. */
  architecture: "qwen2" | "qwen3" | "llama" | "smollm3";
  /** Trained context length of the family's small models. */
  contextLength: number;
  renames: readonly TokenRename[];
  /** Special token ids as the family's instruct GGUFs set them; llama.cpp finds the end-of-turn token by its text. */
  special: { bos: number; eos: number; pad?: number; addBos: boolean };
}

/** Qwen2.5's added tokens after `<|im_end|>`, which llama.cpp's qwen2 vocab GGUF leaves as `[PAD…]` (HF tokenizer_config.json). */
const QWEN25_ADDED: readonly TokenRename[] = [
  ["<|object_ref_start|>", TOKEN_TYPE.control],
  ["<|object_ref_end|>", TOKEN_TYPE.control],
  ["<|box_start|>", TOKEN_TYPE.control],
  ["<|box_end|>", TOKEN_TYPE.control],
  ["<|quad_start|>", TOKEN_TYPE.control],
  ["<|quad_end|>", TOKEN_TYPE.control],
  ["<|vision_start|>", TOKEN_TYPE.control],
  ["<|vision_end|>", TOKEN_TYPE.control],
  ["<|vision_pad|>", TOKEN_TYPE.control],
  ["<|image_pad|>", TOKEN_TYPE.control],
  ["<|video_pad|>", TOKEN_TYPE.control],
  ["<tool_call>", TOKEN_TYPE.userDefined],
  ["</tool_call>", TOKEN_TYPE.userDefined],
  ["<|fim_prefix|>", TOKEN_TYPE.control],
  ["<|fim_middle|>", TOKEN_TYPE.control],
  ["<|fim_suffix|>", TOKEN_TYPE.control],
  ["<|fim_pad|>", TOKEN_TYPE.control],
  ["<|repo_name|>", TOKEN_TYPE.control],
  ["<|file_sep|>", TOKEN_TYPE.control],
].map(([text, type], index) => ({ id: 151646 + index, text: text as string, type: type as number }));

/** Qwen3 adds these after Qwen2.5's. */
const QWEN3_ADDED: readonly TokenRename[] = ["<tool_response>", "</tool_response>", "<think>", "</think>"].map(
  (text, index) => ({ id: 151665 + index, text, type: TOKEN_TYPE.userDefined }),
);

/**
 * Llama 3.1/3.2 name four of Llama 3's reserved tokens and renumber the rest; llama.cpp's llama-bpe vocab GGUF has the
 * Llama 3.0 names.
 */
function llama32Renames(): TokenRename[] {
  const renames: TokenRename[] = [
    { id: 128004, text: "<|finetune_right_pad_id|>", type: TOKEN_TYPE.control },
    { id: 128005, text: "<|reserved_special_token_2|>", type: TOKEN_TYPE.control },
    { id: 128008, text: "<|eom_id|>", type: TOKEN_TYPE.control },
    { id: 128010, text: "<|python_tag|>", type: TOKEN_TYPE.control },
  ];
  for (let id = 128011; id <= 128255; id++) {
    renames.push({ id, text: `<|reserved_special_token_${id - 128008}|>`, type: TOKEN_TYPE.control });
  }
  return renames;
}

/** SmolLM3 keeps Llama 3.2's tokenizer and gives five reserved ids its own chat and thinking tokens. */
function smollm3Renames(): TokenRename[] {
  const own = new Map<number, TokenRename>([
    [128002, { id: 128002, text: "<think>", type: TOKEN_TYPE.userDefined }],
    [128003, { id: 128003, text: "</think>", type: TOKEN_TYPE.userDefined }],
    [128011, { id: 128011, text: "<|im_start|>", type: TOKEN_TYPE.control }],
    [128012, { id: 128012, text: "<|im_end|>", type: TOKEN_TYPE.control }],
  ]);
  return [...llama32Renames().filter((rename) => !own.has(rename.id)), ...own.values()];
}

const QWEN_SPECIAL = { bos: 151643, eos: 151645, pad: 151643, addBos: false };

/** The families, by name. */
export const STAND_IN_FAMILIES: Readonly<Record<StandInFamily, StandInFamilySpec>> = {
  "qwen2.5": {
    family: "qwen2.5",
    label: "Qwen2.5 0.5B Instruct",
    sizeLabel: "0.5B",
    vocabPath: "models/ggml-vocab-qwen2.gguf",
    templatePath: "models/templates/Qwen-Qwen2.5-7B-Instruct.jinja",
    architecture: "qwen2",
    contextLength: 32768,
    renames: QWEN25_ADDED,
    special: QWEN_SPECIAL,
  },
  qwen3: {
    family: "qwen3",
    label: "Qwen3 0.6B",
    sizeLabel: "0.6B",
    vocabPath: "models/ggml-vocab-qwen2.gguf",
    templatePath: "models/templates/Qwen-Qwen3-0.6B.jinja",
    architecture: "qwen3",
    contextLength: 40960,
    renames: [...QWEN25_ADDED, ...QWEN3_ADDED],
    special: QWEN_SPECIAL,
  },
  "llama3.2": {
    family: "llama3.2",
    label: "Llama 3.2 1B Instruct",
    sizeLabel: "1B",
    vocabPath: "models/ggml-vocab-llama-bpe.gguf",
    templatePath: "models/templates/meta-llama-Llama-3.2-3B-Instruct.jinja",
    architecture: "llama",
    contextLength: 131072,
    renames: llama32Renames(),
    special: { bos: 128000, eos: 128009, addBos: true },
  },
  smollm3: {
    family: "smollm3",
    label: "SmolLM3 3B",
    sizeLabel: "3B",
    vocabPath: "models/ggml-vocab-llama-bpe.gguf",
    templatePath: "models/templates/HuggingFaceTB-SmolLM3-3B.jinja",
    architecture: "smollm3",
    contextLength: 65536,
    renames: smollm3Renames(),
    special: { bos: 128000, eos: 128012, pad: 128004, addBos: false },
  },
};

/** The family names, in a stable order, for help texts and errors. */
export const STAND_IN_FAMILY_NAMES = Object.keys(STAND_IN_FAMILIES) as StandInFamily[];

/** Narrows a user's string to a family name. */
export function isStandInFamily(name: string): name is StandInFamily {
  return Object.hasOwn(STAND_IN_FAMILIES, name);
}
