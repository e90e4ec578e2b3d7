// One forked model process (brain-worker) and its outstanding requests. Invariant: it dies with this process, what it
// prints on stdout reaches the logger and never this process's stdout, and a request whose signal aborts ends within
// ABORT_ANSWER_MS or the process is SIGKILLed: a blocked model never holds a cycle.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Logger } from "../log.js";
import { logStrayLines } from "./log-stray-lines.js";
import { guardedLaunch, type ParentDeathGuard } from "./parent-death.js";
import type { WorkerReply, WorkerRequest, WorkerRequestBody } from "./worker-protocol.js";

const WORKER_PATH = fileURLToPath(new URL("./brain-worker.js", import.meta.url));
/**
 * How long a model process may take to answer an abort before it is taken to be blocked (a chat template spinning in
 * its JavaScript, say) and killed. A free event loop answers in milliseconds; generation stops later, at its next token.
 */
export const ABORT_ANSWER_MS = 2_000;

/**
 * What an aborted request does to the model process:
 * - `kill`: SIGKILL it at once (estimate and load: nothing in them is worth waiting for);
 * - `ask`: tell it to abort that request, and SIGKILL it when it does not answer within {@link ABORT_ANSWER_MS}
 *   (a step: the loaded model is kept for the next one).
 */
export type OnAbort = "kill" | "ask";

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class ModelProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Why this side killed the process, when it did. */
  private killedBecause: string | undefined;
  /** Resolves with how the process ended (`code 0`, `signal SIGKILL`). */
  readonly exited: Promise<string>;
  readonly guard: ParentDeathGuard;

  constructor(
    private readonly logger: Logger,
    guard?: ParentDeathGuard,
  ) {
    const launch = guardedLaunch(["--max-semi-space-size=1"], guard);
    this.guard = launch.guard;
    this.child = fork(WORKER_PATH, [], {
      execPath: launch.execPath,
      execArgv: launch.execArgv,
      serialization: "advanced",
      // Its stdout is never a terminal's or a --json reader's: native code that writes there is logged here instead.
      stdio: ["ignore", "pipe", "inherit", "ipc"],
      // The same memory settings bin/apprentice.js gives the daemon: freed model memory goes back to the OS.
      env: { ...process.env, MALLOC_ARENA_MAX: "2", MALLOC_TRIM_THRESHOLD_: "131072", ...launch.env },
    });
    logStrayLines(this.child.stdout, (line) => this.logger.warn(`model process printed: ${line}`));
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => resolve(this.onExit(code, signal))),
    );
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
    this.child.on("error", (error) => this.rejectAll(error));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): string {
    const how = signal !== null ? `signal ${signal}` : `code ${String(code)}`;
    const killed = this.killedBecause;
    this.rejectAll(
      new Error(killed !== undefined ? `the model process was killed: ${killed}` : `the model process ended (${how})`),
    );
    if (killed !== undefined) this.logger.warn(`model process killed: ${killed}`);
    else if (code !== 0 && code !== null) this.logger.warn(`model process ended with ${how}`);
    else if (signal !== null && signal !== "SIGTERM") this.logger.warn(`model process ended with ${how}`);
    return how;
  }

  private rejectAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
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

  /** SIGKILLs the process now; its requests reject with `reason`. Does nothing once it has ended. */
  kill(reason: string): void {
    if (!this.alive) return;
    this.killedBecause ??= reason;
    this.child.kill("SIGKILL");
  }

  /**
   * Sends one request and resolves with its result; rejects when the process ends first. When `signal` aborts, the
   * process is killed or asked to abort the request, as `onAbort` says.
   */
  request<T>(body: WorkerRequestBody, signal?: AbortSignal, onAbort: OnAbort = "ask"): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (!this.alive) {
        reject(new Error("the model process is not running"));
        return;
      }
      let answerTimer: NodeJS.Timeout | undefined;
      const abort = (): void => {
        const reason = describeReason(signal?.reason);
        if (onAbort === "kill") this.kill(`${reason} (during ${body.method})`);
        else answerTimer = this.askToAbort(id, signal?.reason);
      };
      const settle = (): void => {
        signal?.removeEventListener("abort", abort);
        clearTimeout(answerTimer);
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
      signal?.addEventListener("abort", abort, { once: true });
      this.send({ ...body, id } as WorkerRequest);
      if (signal?.aborted === true) abort();
    });
  }

  /**
   * Asks the process to abort request `target`, as the same kind of reason (a step timeout stays told apart from a
   * stop). Returns the timer that kills the process when no answer comes within {@link ABORT_ANSWER_MS}.
   */
  private askToAbort(target: number, reason: unknown): NodeJS.Timeout {
    const described =
      reason instanceof Error
        ? { name: reason.name, message: reason.message }
        : { name: "AbortError", message: String(reason ?? "aborted") };
    const timer = setTimeout(
      () =>
        this.kill(
          `it did not answer an abort within ${ABORT_ANSWER_MS} ms (${described.message}); its main thread was blocked`,
        ),
      ABORT_ANSWER_MS,
    );
    const answered = (): void => clearTimeout(timer);
    // Rejected only when the process ends, which the aborted request hears about itself.
    this.request({ method: "abort", target, reason: described }).then(answered, answered);
    return timer;
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
    const timer = setTimeout(() => this.kill("it did not exit within 5 s of being told to"), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** An abort reason as one line. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message.split("\n")[0] ?? reason.name;
  return String(reason ?? "aborted");
}
