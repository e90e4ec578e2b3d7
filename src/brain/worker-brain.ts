// The daemon's brain: the same contract as LlamaBrain, but node-llama-cpp, the binding and the model live in a child
// process (brain-worker) forked when a cycle first needs them and ended when the cycle disposes its session. The idle
// daemon never maps llama.cpp, and each cycle's model memory returns to the OS whole; a crash in native code costs one
// cycle (a model error), not the daemon. The cycle's deadline is enforced from here, by killing that process: a model
// whose chat template blocks the process's JavaScript could never stop itself.
import type { Logger } from "../log.js";
import type { JsonSchema } from "../tools/json-schema.js";
import type { Brain, BrainSession, Decision, EstimateResult, OpenOptions, OpenResult, Prompt } from "./brain.js";
import type { GgufInspection } from "./model-inspect.js";
import { describeReason, ModelProcess } from "./model-process.js";
import type { ParentDeathGuard } from "./parent-death.js";

/** A model process with no open session and no request for this long is ended (a cycle estimated, then skipped). */
const IDLE_EXIT_MS = 5_000;

export interface WorkerBrainOptions {
  /** How long a model process with no session waits for one before it is ended. Defaults to 5 000 ms (tests shorten it). */
  idleExitMs?: number;
  /** Ties model processes to this one with this guard. Defaults to `pdeathsig` where setpriv exists, else `watchdog`. */
  parentDeathGuard?: ParentDeathGuard;
}

export class WorkerBrain implements Brain {
  private worker: ModelProcess | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private sessionOpen = false;
  private readonly idleExitMs: number;

  constructor(
    private readonly logger: Logger,
    private readonly options: WorkerBrainOptions = {},
  ) {
    this.idleExitMs = options.idleExitMs ?? IDLE_EXIT_MS;
  }

  /** The running model process's pid, if any (for tests and diagnostics). */
  get workerPid(): number | undefined {
    return this.worker?.pid;
  }

  private startProcess(): ModelProcess {
    return new ModelProcess(this.logger, this.options.parentDeathGuard);
  }

  private acquire(): ModelProcess {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.worker === undefined || !this.worker.alive) this.worker = this.startProcess();
    return this.worker;
  }

  /** Ends the worker soon when nothing holds it: after an estimate for a cycle that was then skipped. */
  private releaseSoon(): void {
    if (this.sessionOpen || this.worker === undefined || this.worker.busy) return;
    const worker = this.worker;
    this.idleTimer = setTimeout(() => {
      // Never end a process that is answering a request or holds the cycle's session.
      if (worker.busy || (this.worker === worker && this.sessionOpen)) return;
      if (this.worker === worker) this.worker = undefined;
      void worker.end();
    }, this.idleExitMs);
    this.idleTimer.unref();
  }

  /** Loads the binding in a short-lived worker: the daemon's check at start. */
  async checkBinding(): Promise<{ ok: true } | { ok: false; reason: string }> {
    const worker = this.startProcess();
    try {
      return await worker.request<{ ok: true } | { ok: false; reason: string }>({ method: "checkBinding" });
    } catch (error) {
      return { ok: false, reason: `the model process could not start: ${describeReason(error)}` };
    } finally {
      await worker.end();
    }
  }

  /**
   * As {@link Brain.inspectModelFile}: `inspectGgufFile` in the model process (the cycle's estimate and load reuse it),
   * so the daemon itself never imports node-llama-cpp. `undefined` when the process failed or `signal` aborted first.
   */
  async inspectModelFile(modelPath: string, signal?: AbortSignal): Promise<GgufInspection | undefined> {
    if (signal?.aborted === true) return undefined;
    const worker = this.acquire();
    try {
      return await worker.request<GgufInspection>({ method: "inspect", modelPath }, signal, "kill");
    } catch (error) {
      this.logger.warn(`the model process failed while reading the model's header: ${describeReason(error)}`);
      return undefined;
    } finally {
      this.releaseSoon();
    }
  }

  /** As {@link Brain.estimate}; when `signal` aborts first, the model process is killed and the estimate fails. */
  async estimate(modelPath: string, contextSize: number, signal?: AbortSignal): Promise<EstimateResult> {
    if (signal?.aborted === true)
      return { ok: false, reason: `memory not estimated: ${describeReason(signal.reason)}` };
    const worker = this.acquire();
    try {
      return await worker.request<EstimateResult>({ method: "estimate", modelPath, contextSize }, signal, "kill");
    } catch (error) {
      return { ok: false, reason: `the model process failed while estimating memory: ${describeReason(error)}` };
    } finally {
      this.releaseSoon();
    }
  }

  /**
   * As {@link Brain.open}. When `signal` aborts during the load (the model, its context and its chat template's
   * checks), the model process is killed and the load fails; when it aborts later, the session's process is killed
   * and every call on the session fails as a model error.
   */
  async open(options: OpenOptions, signal?: AbortSignal): Promise<OpenResult> {
    if (signal?.aborted === true)
      return { ok: false, reason: `${options.modelPath} not loaded: ${describeReason(signal.reason)}` };
    const worker = this.acquire();
    let opened: { ok: true; contextSize: number } | { ok: false; reason: string };
    try {
      opened = await worker.request({ method: "open", options }, signal, "kill");
    } catch (error) {
      opened = {
        ok: false,
        reason: `the model process failed while loading ${options.modelPath}: ${describeReason(error)}`,
      };
    }
    if (!opened.ok) {
      if (this.worker === worker) this.worker = undefined;
      await worker.end();
      return opened;
    }
    this.sessionOpen = true;
    return { ok: true, session: this.session(worker, opened.contextSize, signal) };
  }

  private session(worker: ModelProcess, contextSize: number, lifetime: AbortSignal | undefined): BrainSession {
    let disposed = false;
    const endOfLife = (): void => worker.kill(`the session's signal aborted: ${describeReason(lifetime?.reason)}`);
    lifetime?.addEventListener("abort", endOfLife, { once: true });
    if (lifetime?.aborted === true) endOfLife();
    return {
      contextSize,
      // Prompts are measured and fitted inside the model's process (decide does it); nothing in the daemon counts tokens.
      countTokens: () => {
        throw new Error(
          "countTokens runs in the model process; the daemon's session cannot count tokens synchronously",
        );
      },
      decide: async (prompt: Prompt, schema: JsonSchema, signal?: AbortSignal): Promise<Decision> => {
        if (disposed) return { ok: false, reason: "model-error", detail: "the model was already unloaded" };
        try {
          return await worker.request<Decision>({ method: "decide", prompt, schema }, signal);
        } catch (error) {
          return { ok: false, reason: "model-error", detail: describeReason(error) };
        }
      },
      generateJson: async (prompt: Prompt, schema: JsonSchema, signal?: AbortSignal) => {
        if (disposed) return { ok: false as const, detail: "the model was already unloaded" };
        try {
          return await worker.request<{ ok: true; value: unknown } | { ok: false; detail: string }>(
            { method: "generateJson", prompt, schema },
            signal,
          );
        } catch (error) {
          return { ok: false as const, detail: describeReason(error) };
        }
      },
      dispose: async () => {
        if (disposed) return;
        disposed = true;
        lifetime?.removeEventListener("abort", endOfLife);
        this.sessionOpen = false;
        if (this.worker === worker) this.worker = undefined;
        if (worker.alive)
          await worker
            .request({ method: "dispose" })
            .catch((error: unknown) =>
              this.logger.debug(`model process: dispose not answered: ${describeReason(error)}`),
            );
        await worker.end();
      },
    };
  }

  /** Ends any worker now (daemon shutdown). */
  async close(): Promise<void> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.end();
  }
}
