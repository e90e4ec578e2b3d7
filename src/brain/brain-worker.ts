// The model's process: forked by WorkerBrain for one cycle, it runs the node-llama-cpp brain and answers requests over
// IPC, then exits when the cycle disposes the session, so everything the model and the binding took goes back to the OS.
// It never outlives the process that forked it (see parent-death.ts), even while a chat template blocks its thread.
import { createConsoleLogger } from "../log.js";
import { LlamaBrain } from "./llama-brain.js";
import { inspectGgufFile } from "./model-inspect.js";
import type { BrainSession } from "./brain.js";
import { guardAgainstOrphaning } from "./parent-death.js";
import type { WorkerReply, WorkerRequest } from "./worker-protocol.js";

const logger = createConsoleLogger(process.env.APPRENTICE_LOG === "debug" ? "debug" : "warn");
guardAgainstOrphaning((message) => logger.warn(message));
const brain = new LlamaBrain(logger);
let session: BrainSession | undefined;
const aborts = new Map<number, AbortController>();

function reply(message: WorkerReply): void {
  // The daemon may be gone (killed mid-cycle): there is no one left to answer, and that is not an error.
  if (!process.connected) return;
  process.send?.(message, (error: Error | null) => {
    if (error !== null && process.connected)
      logger.warn(`model process: could not answer the daemon: ${error.message}`);
  });
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.method) {
    case "checkBinding":
      return brain.preload();
    case "inspect":
      return inspectGgufFile(request.modelPath);
    case "estimate":
      return brain.estimate(request.modelPath, request.contextSize);
    case "open": {
      await session?.dispose();
      const opened = await brain.open(request.options);
      if (!opened.ok) return opened;
      session = opened.session;
      return { ok: true, contextSize: session.contextSize };
    }
    case "decide":
    case "generateJson": {
      if (session === undefined)
        return request.method === "decide"
          ? { ok: false, reason: "model-error", detail: "no model is loaded in the worker" }
          : { ok: false, detail: "no model is loaded in the worker" };
      const controller = new AbortController();
      aborts.set(request.id, controller);
      try {
        return request.method === "decide"
          ? await session.decide(request.prompt, request.schema, controller.signal)
          : await session.generateJson(request.prompt, request.schema, controller.signal);
      } finally {
        aborts.delete(request.id);
      }
    }
    case "dispose":
      await session?.dispose();
      session = undefined;
      return { ok: true };
    case "abort":
      // Rebuilt as the same kind of reason, so a step timeout is still told apart from a shutdown.
      aborts.get(request.target)?.abort(new DOMException(request.reason.message, request.reason.name));
      return { ok: true };
  }
}

process.on("message", (request: WorkerRequest) => {
  handle(request).then(
    (result) => reply({ id: request.id, result }),
    (error: unknown) => reply({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The daemon went away (or closed the channel after dispose): nothing more will be asked.
process.on("disconnect", () => {
  void session?.dispose().finally(() => process.exit(0));
  if (session === undefined) process.exit(0);
});
