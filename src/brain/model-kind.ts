// Judges from a GGUF header whether a model is an instruct (chat) model or a base one: heuristics on the chat template and the name fields, pure.
import type { ModelKindFacts } from "./model-inspect.js";

/**
 * `instruct`: a chat template, and no name that says base; `no-template`: the name says instruct or chat but the file
 * carries no chat template; `base`: neither a chat template nor an instruct-like name, or a name that says base.
 */
export interface ModelKindVerdict {
  kind: "instruct" | "no-template" | "base";
  /** The facts behind the verdict, one phrase, e.g. `a chat template, name "Qwen2.5 0.5B Instruct"`. */
  evidence: string;
}

/** Name words of instruct-tuned releases: `Instruct`, `Chat`, Gemma's `-it`, and the tuning methods' own names. */
const INSTRUCT_WORD = /\b(instruct|chat|it|sft|dpo|rlhf|orpo|assistant)\b/i;
const BASE_WORD = /\b(base|pretrain|pretrained)\b/i;

/** The verdict for `facts`; a chat template counts most, since llama.cpp formats the chat with it. */
export function judgeModelKind(facts: ModelKindFacts): ModelKindVerdict {
  // `Qwen2.5-0.5B-Instruct` and `gemma_2_2b_it` should read as words.
  const words = facts.names.map((name) => name.replace(/[-_.]+/g, " "));
  const instructName = words.some((name) => INSTRUCT_WORD.test(name));
  const baseName = !instructName && words.some((name) => BASE_WORD.test(name));
  const named =
    facts.names.length > 0 ? `name ${facts.names.map((name) => JSON.stringify(name)).join(" / ")}` : "no name";
  if (facts.hasChatTemplate && !baseName) return { kind: "instruct", evidence: `a chat template, ${named}` };
  if (facts.hasChatTemplate) return { kind: "base", evidence: `a chat template, but ${named} says base` };
  if (instructName) return { kind: "no-template", evidence: `no chat template, though ${named} says instruct or chat` };
  return { kind: "base", evidence: `no chat template, and ${named} says neither instruct nor chat` };
}
