// A deterministic brain for loop tests: replays a script of raw outputs through the real brain's parseDecision and the
// validator of node-llama-cpp's JSON-schema grammar, so a scripted reply is accepted or refused exactly as a model's is.
import type { Brain, BrainSession, Decision, Prompt } from "../../src/brain/brain.js";
import { findToolBranch } from "../../src/brain/action-schema.js";
import { parseDecision, type GrammarValidator } from "../../src/brain/parse-decision.js";
import type { JsonSchema } from "../../src/tools/json-schema.js";

/**
 * node-llama-cpp's own schema check, the one its `LlamaJsonSchemaGrammar.parse` runs. The package exports it only
 * through a loaded binding (`llama.createGrammarForJsonSchema`), so it is imported from its file beside the package's
 * entry: that module loads no binding and none of node-llama-cpp's other code.
 */
const { validateObjectAgainstGbnfSchema } = (await import(
  new URL("./utils/gbnfJson/utils/validateObjectAgainstGbnfSchema.js", import.meta.resolve("node-llama-cpp")).href
)) as { validateObjectAgainstGbnfSchema(value: unknown, schema: JsonSchema): boolean };

/** The validator a grammar for `schema` has: JSON.parse, then node-llama-cpp's schema check, which throws on a mismatch. */
export function jsonSchemaGrammar(schema: JsonSchema): GrammarValidator {
  return {
    parse(json: string): unknown {
      const value: unknown = JSON.parse(json);
      validateObjectAgainstGbnfSchema(value, schema);
      return value;
    },
  };
}

/** Counts tokens as whitespace-separated words, which is enough for budget logic in tests. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * One scripted model reply: raw text, or a function of the step's action schema for a reply whose shape depends on it
 * (the grammar asks for a `cite` only while lessons are recalled). Either way the text goes through parseDecision.
 */
export type ScriptedReply = string | ((schema: JsonSchema) => string);

/**
 * `action` as a model under the grammar writes it: where the schema of `action.tool` asks for a `cite` (lessons were
 * recalled), it cites those of `lessonIds` the schema offers (none by default); where it does not, no `cite`.
 */
export function citingWhereAsked(
  action: { thought: string; tool: string; args: unknown },
  lessonIds: readonly string[] = [],
): ScriptedReply {
  return (schema) => {
    const cite = findToolBranch(schema, action.tool)?.properties.cite;
    const offered = cite !== undefined && "items" in cite && "enum" in cite.items ? cite.items.enum : [];
    const cited = lessonIds.filter((id) => offered.includes(id));
    const citing = cite !== undefined ? { cite: cited } : {};
    return JSON.stringify({ thought: action.thought, ...citing, tool: action.tool, args: action.args });
  };
}

/** {@link citingWhereAsked} citing nothing. */
export function citingNothing(action: { thought: string; tool: string; args: unknown }): ScriptedReply {
  return citingWhereAsked(action);
}

/** The reply once the script has run out: `finish`, citing nothing. */
const SCRIPT_ENDED = citingNothing({ thought: "done", tool: "finish", args: { summary: "script ended" } });

export class ScriptedBrain implements Brain {
  readonly prompts: Prompt[] = [];
  readonly schemas: JsonSchema[] = [];
  opened = 0;
  disposed = 0;

  constructor(private readonly script: ScriptedReply[]) {}

  async estimate(): ReturnType<Brain["estimate"]> {
    return { ok: true, estimate: { modelBytes: 1024, contextBytes: 1024, totalBytes: 2048, contextSize: 2048 } };
  }

  async open(): ReturnType<Brain["open"]> {
    this.opened += 1;
    const { prompts, schemas, script } = this;
    const onDispose = (): void => {
      this.disposed += 1;
    };
    const session: BrainSession = {
      contextSize: 2048,
      countTokens: countWords,
      async decide(prompt: Prompt, schema: JsonSchema): Promise<Decision> {
        prompts.push(prompt);
        schemas.push(schema);
        const reply = script.shift() ?? SCRIPT_ENDED;
        const raw = typeof reply === "string" ? reply : reply(schema);
        const usage = {
          promptTokens: 0,
          evaluatedPromptTokens: 0,
          generatedTokens: 0,
          durationMs: 0,
          droppedSteps: 0,
          cutSections: [],
        };
        return parseDecision(raw, schema, jsonSchemaGrammar(schema), usage);
      },
      async generateJson(_prompt: Prompt, schema: JsonSchema) {
        const reply = script.shift() ?? '{"lesson":"no scripted lesson"}';
        const raw = typeof reply === "string" ? reply : reply(schema);
        try {
          return { ok: true as const, value: JSON.parse(raw) as unknown };
        } catch (error) {
          return { ok: false as const, detail: (error as Error).message };
        }
      },
      async dispose() {
        onDispose();
      },
    };
    return { ok: true, session };
  }
}
