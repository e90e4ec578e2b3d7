// A deterministic brain for loop tests: replays a script of raw outputs and validates them like the real one (minus the grammar).
import type { Brain, BrainSession, Decision, Prompt } from "../../src/brain/brain.js";
import { findToolBranch } from "../../src/brain/action-schema.js";
import type { JsonSchema } from "../../src/tools/json-schema.js";

/** Counts tokens as whitespace-separated words, which is enough for budget logic in tests. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export class ScriptedBrain implements Brain {
  readonly prompts: Prompt[] = [];
  readonly schemas: JsonSchema[] = [];
  opened = 0;
  disposed = 0;

  constructor(private readonly script: string[]) {}

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
        const raw = script.shift() ?? '{"thought":"done","tool":"finish","args":{"summary":"script ended"}}';
        const usage = {
          promptTokens: 0,
          evaluatedPromptTokens: 0,
          generatedTokens: 0,
          durationMs: 0,
          droppedSteps: 0,
          cutSections: [],
        };
        let parsed: { tool?: unknown; args?: unknown; thought?: unknown };
        try {
          parsed = JSON.parse(raw) as typeof parsed;
        } catch (error) {
          return { ok: false, reason: "invalid-output", detail: `not JSON: ${(error as Error).message}`, raw, usage };
        }
        if (typeof parsed.tool !== "string" || findToolBranch(schema, parsed.tool) === undefined) {
          return {
            ok: false,
            reason: "invalid-output",
            detail: `tool ${String(parsed.tool)} not in schema`,
            raw,
            usage,
          };
        }
        return {
          ok: true,
          action: {
            thought: String(parsed.thought ?? ""),
            ...(Array.isArray((parsed as { cite?: unknown }).cite)
              ? { cite: (parsed as { cite: string[] }).cite }
              : {}),
            tool: parsed.tool,
            args: (parsed.args ?? {}) as Record<string, unknown>,
          },
          raw,
          usage,
          clamped: false,
        };
      },
      async generateJson() {
        const raw = script.shift() ?? '{"lesson":"no scripted lesson"}';
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
