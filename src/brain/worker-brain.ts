// The daemon's brain: the same contract as LlamaBrain, but node-llama-cpp, the binding and the model live in a child
// process (brain-worker) forked when a cycle first needs them and ended when the cycle disposes its session. The idle
// daemon never maps llama.cpp, and each cycle's model memory returns to the OS whole; a crash in native code costs one
// cycle (a model error), not the daemon.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Logger } from "../log.js";
import type { JsonSchema } from "../tools/json-schema.js";
import type { Brain, BrainSession, Decision, EstimateResult, OpenOptions, OpenResult, Prompt } from "./brain.js";
import type { WorkerReply, WorkerRequest, WorkerRequestBody } from "./worker-protocol.js";

const WORKER_PATH = fileURLToPath(new URL("./brain-worker.js", import.meta.url));
/** A worker with no open session and no request for this long is ended (a cycle estimated, then skipped). */
const IDLE_EXIT_MS = 5_000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One forked model process and its outstanding requests. */
class Worker {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  readonly exited: Promise<string>;

  constructor(logger: Logger) {
    this.child = fork(WORKER_PATH, [], {
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      // The same memory settings bin/apprentice.js gives the daemon: freed model memory goes back to the OS.
      env: { ...process.env, MALLOC_ARENA_MAX: "2", MALLOC_TRIM_THRESHOLD_: "131072" },
      execArgv: ["--max-semi-space-size=1"],
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        const how = signal !== null ? `signal ${signal}` : `code ${String(code)}`;
        for (const pending of this.pending.values()) pending.reject(new Error(`the model process ended (${how})`));
        this.pending.clear();
        if (code !== 0 && code !== null) logger.warn(`model process ended with ${how}`);
        else if (signal !== null && signal !== "SIGTERM") logger.warn(`model process ended with ${how}`);
        resolve(how);
      });
    });
    this.child.on("message", (reply: WorkerReply) => {
      const pending = this.pending.get(reply.id);
      if (pending === undefined) return;
      this.pending.delete(reply.id);
      if ("error" in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result);
    });
    // An idle model process never keeps the daemon (or a test) running; a request in flight does (see request()).
    this.child.unref();
    this.child.channel?.unref();
    this.child.on("error", (error) => {
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  request<T>(body: WorkerRequestBody, signal?: AbortSignal): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (!this.alive) {
        reject(new Error("the model process is not running"));
        return;
      }
      const onAbort = (): void => {
        const reason = signal?.reason;
        const described = reason instanceof Error ? { name: reason.name, message: reason.message } : { name: "AbortError", message: String(reason ?? "aborted") };
        this.send({ id: this.nextId++, method: "abort", target: id, reason: described });
      };
      const settle = (): void => {
        signal?.removeEventListener("abort", onAbort);
        if (this.pending.size === 0) this.holdLoop(false);
      };
      this.pending.set(id, {
        resolve: (value) => {
          settle();
          resolve(value as T);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.holdLoop(true);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.send({ ...body, id } as WorkerRequest);
      if (signal?.aborted) onAbort();
    });
  }

  /** While a request is in flight the process and its channel keep the event loop alive (its exit must be heard). */
  private holdLoop(hold: boolean): void {
    if (hold) {
      this.child.ref();
      this.child.channel?.ref();
    } else {
      this.child.unref();
      this.child.channel?.unref();
    }
  }

  private send(message: WorkerRequest): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Closes the channel (the worker exits on disconnect); kills it if it has not gone within 5 s. */
  async end(): Promise<void> {
    if (!this.alive) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export class WorkerBrain implements Brain {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private sessionOpen = false;

  /** `idleExitMs`: how long a worker with no session waits for one before it is ended (tests shorten it). */
  constructor(
    private readonly logger: Logger,
    private readonly idleExitMs = IDLE_EXIT_MS,
  ) {}

  /** The running model process's pid, if any (for tests and diagnostics). */
  get workerPid(): number | undefined {
    return this.worker?.pid;
  }

  private acquire(): Worker {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.worker === undefined || !this.worker.alive) this.worker = new Worker(this.logger);
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
    const worker = new Worker(this.logger);
    try {
      return await worker.request<{ ok: true } | { ok: false; reason: string }>({ method: "checkBinding" });
    } catch (error) {
      return { ok: false, reason: `the model process could not start: ${describe(error)}` };
    } finally {
      await worker.end();
    }
  }

  async estimate(modelPath: string, contextSize: number): Promise<EstimateResult> {
    const worker = this.acquire();
    try {
      return await worker.request<EstimateResult>({ method: "estimate", modelPath, contextSize });
    } catch (error) {
      return { ok: false, reason: `the model process failed while estimating memory: ${describe(error)}` };
    } finally {
      this.releaseSoon();
    }
  }

  async open(options: OpenOptions): Promise<OpenResult> {
    const worker = this.acquire();
    let opened: { ok: true; contextSize: number } | { ok: false; reason: string };
    try {
      opened = await worker.request({ method: "open", options });
    } catch (error) {
      opened = { ok: false, reason: `the model process failed while loading ${options.modelPath}: ${describe(error)}` };
    }
    if (!opened.ok) {
      this.worker = undefined;
      await worker.end();
      return opened;
    }
    this.sessionOpen = true;
    return { ok: true, session: this.session(worker, opened.contextSize) };
  }

  private session(worker: Worker, contextSize: number): BrainSession {
    let disposed = false;
    return {
      contextSize,
      // Prompts are measured and fitted inside the model's process (decide does it); nothing in the daemon counts tokens.
      countTokens: () => {
        throw new Error("countTokens runs in the model process; the daemon's session cannot count tokens synchronously");
      },
      decide: async (prompt: Prompt, schema: JsonSchema, signal?: AbortSignal): Promise<Decision> => {
        if (disposed) return { ok: false, reason: "model-error", detail: "the model was already unloaded" };
        try {
          return await worker.request<Decision>({ method: "decide", prompt, schema }, signal);
        } catch (error) {
          return { ok: false, reason: "model-error", detail: describe(error) };
        }
      },
      generateJson: async (prompt: Prompt, schema: JsonSchema, signal?: AbortSignal) => {
        if (disposed) return { ok: false as const, detail: "the model was already unloaded" };
        try {
          return await worker.request<{ ok: true; value: unknown } | { ok: false; detail: string }>({ method: "generateJson", prompt, schema }, signal);
        } catch (error) {
          return { ok: false as const, detail: describe(error) };
        }
      },
      dispose: async () => {
        if (disposed) return;
        disposed = true;
        this.sessionOpen = false;
        if (this.worker === worker) this.worker = undefined;
        await worker.request({ method: "dispose" }).catch(() => undefined);
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

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error);
}
