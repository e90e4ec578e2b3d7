// Hostile model files for the deadline tests: the project's test model with a chat template that spins
// node-llama-cpp's Jinja renderer (in JavaScript, on the model process's main thread), and /proc probes for the model
// processes such a file could leave behind.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ParentDeathGuard } from "../../src/brain/parent-death.js";
import { testModel } from "./state-fixture.js";

const FORKER = fileURLToPath(new URL("./fork-spinning-model.js", import.meta.url));

/** Nine million empty loop turns per render. */
const SPIN = "{% for i in range(3000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}";
const ECHO = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}";

/**
 * Spins at every render. node-llama-cpp renders an unknown template dozens of times while it loads the model (its
 * sanity test, then a comparison with each built-in chat format), so the load never ends: with 10 000 turns per render
 * instead of these nine million, an in-process load took 201 s on the test machine.
 */
export const SPIN_AT_LOAD_TEMPLATE = `${SPIN}${ECHO}`;

/**
 * Spins only for a chat of more than nine messages, longer than any node-llama-cpp renders in its checks: the model
 * loads, and a step with five earlier turns blocks the model process's main thread in the renderer.
 */
export const SPIN_ON_LONG_CHAT_TEMPLATE = `{% if messages|length > 9 %}${SPIN}{% endif %}${ECHO}`;

/** Spins at every render through recursion instead of loops: a macro that calls itself twice, 2^30 calls deep. */
export const RECURSIVE_MACRO_TEMPLATE = `{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(30) }}${ECHO}`;

/** The spinning templates by name: `load` and `macro` spin while the model loads, `long-chat` in a long step. */
export const SPINNING_TEMPLATES = {
  load: SPIN_AT_LOAD_TEMPLATE,
  macro: RECURSIVE_MACRO_TEMPLATE,
  "long-chat": SPIN_ON_LONG_CHAT_TEMPLATE,
} as const;

/** The test model with one of the spinning templates (written once, cached by content). */
export function spinningModel(which: keyof typeof SPINNING_TEMPLATES): Promise<string> {
  return testModel({ chatTemplate: SPINNING_TEMPLATES[which] });
}

/** A decide prompt with five earlier turns: eleven chat messages, enough to set off {@link SPIN_ON_LONG_CHAT_TEMPLATE}. */
export const LONG_CHAT_PROMPT = {
  sections: [{ id: "goals", title: "Goals", text: "Say done.", share: 1 }],
  turns: Array.from({ length: 5 }, (_, index) => ({
    request: `Step ${index + 1}.`,
    action: `{"tool":"finish","args":{"summary":"${index}"}}`,
  })),
  request: "Reply with one JSON action.",
};

/** `/proc/<pid>/stat` fields after the command name: state, ppid, …; undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ESRCH")
      return undefined;
    throw error;
  }
  // The command name is in parentheses and may hold spaces; the fields after its closing one are plain.
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** True when the process no longer runs: gone, or a zombie waiting for a parent (or init) to reap it. */
export function processEnded(pid: number): boolean {
  const fields = statFields(pid);
  return fields === undefined || fields[0] === "Z" || fields[0] === "X";
}

/** CPU time the process has used so far, in seconds (user + system). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (fields === undefined) return 0;
  // utime and stime are fields 14 and 15 of stat, 12 and 13 of what follows the command name, in clock ticks (100 Hz).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Polls until the process has ended; resolves with the milliseconds that took, or undefined after `timeoutMs`. */
export async function waitForEnd(pid: number, timeoutMs: number): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (processEnded(pid)) return Math.round(performance.now() - started);
    await sleep(50);
  }
  return processEnded(pid) ? Math.round(performance.now() - started) : undefined;
}

/** Polls until the process has used `seconds` of CPU (it is past its start-up, spinning), or `timeoutMs` passed. */
export async function waitForCpu(pid: number, seconds: number, timeoutMs: number): Promise<boolean> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (processEnded(pid)) return false;
    if (cpuSeconds(pid) >= seconds) return true;
    await sleep(100);
  }
  return false;
}

function listPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Running (not zombie) processes whose parent is `parentPid`. */
export function liveChildrenOf(parentPid: number): number[] {
  return listPids().filter((pid) => {
    const fields = statFields(pid);
    return fields !== undefined && fields[1] === String(parentPid) && fields[0] !== "Z" && fields[0] !== "X";
  });
}

/** Running processes whose environment holds `name=value` (a tag a test gave the process tree it started). */
export function liveProcessesWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  return listPids().filter((pid) => {
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    } catch (error) {
      // Processes come and go while /proc is read, and some are not ours to read.
      if (["ENOENT", "ESRCH", "EACCES", "EPERM"].includes((error as NodeJS.ErrnoException).code ?? "")) return false;
      throw error;
    }
    return environ.split("\0").includes(needle) && !processEnded(pid);
  });
}

/** What became of a model process whose parent was SIGKILLed while the model spun in its chat template. */
export interface OrphanOutcome {
  workerPid: number;
  /** The model process had used this much CPU (seconds) when its parent was killed. */
  cpuSecondsAtKill: number;
  /** Milliseconds from the parent's death until the model process had ended; undefined when it still ran at `withinMs`. */
  goneAfterMs: number | undefined;
}

/**
 * Starts a stand-in daemon (fork-spinning-model) that loads `modelPath` through a WorkerBrain with `guard`, waits
 * until the model process has spun for `spinSeconds` of CPU, SIGKILLs the stand-in and watches the model process for
 * `withinMs`. Whatever happens, no model process outlives this call (one still running is SIGKILLed at the end).
 */
export async function killParentOfSpinningModel(
  guard: ParentDeathGuard,
  modelPath: string,
  withinMs: number,
  spinSeconds = 2,
): Promise<OrphanOutcome> {
  const parent = spawn(process.execPath, [FORKER, guard, modelPath], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => parent.once("exit", resolve));
  let output = "";
  const workerPid = await new Promise<number>((resolve, reject) => {
    parent.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /model-process (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    parent.once("exit", () => reject(new Error(`the stand-in daemon exited early: ${output}`)));
  });
  try {
    if (!(await waitForCpu(workerPid, spinSeconds, 120_000)))
      throw new Error(
        `the model process never got spinning (${cpuSeconds(workerPid)} s of CPU; parent said ${output})`,
      );
    const cpuSecondsAtKill = cpuSeconds(workerPid);
    parent.kill("SIGKILL");
    await exited;
    return { workerPid, cpuSecondsAtKill, goneAfterMs: await waitForEnd(workerPid, withinMs) };
  } finally {
    parent.kill("SIGKILL");
    if (!processEnded(workerPid)) process.kill(workerPid, "SIGKILL");
  }
}
