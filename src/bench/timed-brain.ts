// A Brain decorator that times every model call (load, decide, generate, dispose) so a bench can subtract them from a cycle's wall time.
import type { Brain, BrainSession, DecisionUsage, EstimateResult, OpenOptions, OpenResult } from "../brain/brain.js";

/** What the decorator saw since the last {@link TimedBrain.reset}. */
export interface ModelTime {
  /** Milliseconds inside estimate, open, decide, generateJson and dispose. */
  modelMs: number;
  /** Usage of each decision, in call order. */
  decisions: DecisionUsage[];
}

/**
 * Wraps a brain: each call into the model is timed and summed, `estimate` included (it reads the GGUF's header with
 * node-llama-cpp, in the model's process for the daemon's brain, which it starts).
 */
export class TimedBrain implements Brain {
  private modelMs = 0;
  private decisions: DecisionUsage[] = [];

  constructor(private readonly inner: Brain) {}

  /** The time and decisions so far, then starts counting again from zero. */
  reset(): ModelTime {
    const seen = { modelMs: this.modelMs, decisions: this.decisions };
    this.modelMs = 0;
    this.decisions = [];
    return seen;
  }

  estimate(modelPath: string, contextSize: number): Promise<EstimateResult> {
    return this.time(() => this.inner.estimate(modelPath, contextSize));
  }

  async open(options: OpenOptions): Promise<OpenResult> {
    const opened = await this.time(() => this.inner.open(options));
    if (!opened.ok) return opened;
    return { ok: true, session: this.wrap(opened.session) };
  }

  private wrap(session: BrainSession): BrainSession {
    return {
      contextSize: session.contextSize,
      countTokens: (text) => session.countTokens(text),
      decide: async (prompt, schema, signal) => {
        const decision = await this.time(() => session.decide(prompt, schema, signal));
        const usage = decision.usage;
        if (usage !== undefined) this.decisions.push(usage);
        return decision;
      },
      generateJson: (prompt, schema, signal) => this.time(() => session.generateJson(prompt, schema, signal)),
      dispose: () => this.time(() => session.dispose()),
    };
  }

  private async time<T>(call: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      return await call();
    } finally {
      this.modelMs += performance.now() - startedAt;
    }
  }
}
