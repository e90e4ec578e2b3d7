// doctor's `instruct` check: warns when the GGUF looks like a base model or has no chat template, and says what that means for Apprentice. Never fails.
import type { GgufSummary } from "../brain/model-inspect.js";
import { judgeModelKind } from "../brain/model-kind.js";
import type { DoctorCheck } from "./doctor-checks.js";

/** What a model that is not clearly an instruct model means here, and what to do. */
const INSTRUCT_REMEDY =
  "each step asks the model, in a chat, for one JSON action; a base model tends to continue the text instead, so its replies may not follow the action format and steps fail as invalid output. Pick an instruct model (`apprentice model recommend`; names end in Instruct, Chat or -it)";
const TEMPLATE_REMEDY =
  "without the template node-llama-cpp guesses the chat format from the name and architecture, or uses a generic one the model was not trained on, so its replies may not follow the JSON action format. Prefer a GGUF of the same model that carries its template (`apprentice model recommend`)";

/**
 * The `instruct` check on the model's header (see `judgeModelKind`): ok for an instruct model with its chat template, a
 * warning otherwise; a warning "not checked" when there is no usable model (the `model` check says why).
 */
export function checkModelKind(summary: GgufSummary | undefined): DoctorCheck {
  if (summary === undefined)
    return { id: "instruct", status: "warn", finding: "not checked: no usable model", remedy: "fix the model first" };
  const verdict = judgeModelKind(summary.kind);
  if (verdict.kind === "instruct")
    return { id: "instruct", status: "ok", finding: `an instruct (chat) model: ${verdict.evidence}` };
  if (verdict.kind === "no-template")
    return {
      id: "instruct",
      status: "warn",
      finding: `the GGUF has no chat template (tokenizer.chat_template): ${verdict.evidence}`,
      remedy: TEMPLATE_REMEDY,
    };
  return {
    id: "instruct",
    status: "warn",
    finding: `looks like a base model, not an instruct model: ${verdict.evidence}`,
    remedy: INSTRUCT_REMEDY,
  };
}
