// The chat wrapper the brain renders prompts through: node-llama-cpp's pick for the model, with thinking turned off where the model's template can turn it off.
import type { ChatWrapper, LlamaModel, resolveChatWrapper } from "node-llama-cpp";

/**
 * Settings that turn thinking off, for the wrapper node-llama-cpp resolves. Qwen's wrapper opens the reply with an empty
 * thought (`<think>\n\n</think>\n\n`, what Qwen3's template writes for `enable_thinking=false`); a template run as
 * Jinja renders with `enable_thinking=false` (the wrapper's `reasoning: false`; SmolLM3's then writes `/no_think` and
 * the same empty block). An agent on a Pi cannot afford the tokens of a thought, and its replies are grammar-bound
 * JSON, so a thought could not follow anyway.
 */
const NO_THINKING = {
  qwen: { thoughts: "discourage" },
  jinjaTemplate: { reasoning: false },
} as const;

/**
 * The wrapper for `model`: node-llama-cpp's own resolution (the family's specialized wrapper when it renders what the
 * GGUF's template renders, else the template itself run as Jinja), with {@link NO_THINKING} when the template knows
 * `enable_thinking` (Qwen3, SmolLM3). Other templates (Qwen2.5, Llama 3.2) are resolved as they are.
 */
export function resolveAgentChatWrapper(resolve: typeof resolveChatWrapper, model: LlamaModel): ChatWrapper {
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  if (typeof template !== "string" || !template.includes("enable_thinking")) return resolve(model);
  return resolve(model, { customWrapperSettings: NO_THINKING });
}
