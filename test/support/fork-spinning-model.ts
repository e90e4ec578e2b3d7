// A stand-in daemon for the parent-death tests: starts a WorkerBrain load of the given model and prints the model
// process's pid as `model-process <pid>`, then waits for the load (forever, on a spinning model) until it is killed.
//   node dist/test/support/fork-spinning-model.js <pdeathsig|watchdog> <model.gguf>
import { WorkerBrain } from "../../src/brain/worker-brain.js";
import { createConsoleLogger } from "../../src/log.js";

const [guard, modelPath] = process.argv.slice(2);
if ((guard !== "pdeathsig" && guard !== "watchdog") || modelPath === undefined) {
  process.stderr.write("usage: fork-spinning-model.js <pdeathsig|watchdog> <model.gguf>\n");
  process.exit(2);
}
const brain = new WorkerBrain(createConsoleLogger("warn"), { parentDeathGuard: guard });
const opening = brain.open({ modelPath, contextSize: 512, threads: 1, temperature: 1, maxTokensPerStep: 16 });
process.stdout.write(`model-process ${String(brain.workerPid)}\n`);
const opened = await opening;
process.stdout.write(`opened ${JSON.stringify(opened.ok ? { ok: true } : opened)}\n`);
