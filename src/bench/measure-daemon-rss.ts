// Resident memory of a real daemon child (`apprentice start` on a temp state): idle with no model, at the peak of a cycle and after it, read from /proc/<pid>/status.
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { initStateDir } from "../daemon/init-state.js";
import { statePaths } from "../memory/state-paths.js";
import { round } from "./bench-stats.js";

/** The launcher, so the daemon runs with the memory settings of its shebang, as `npx apprentice` runs it. */
const CLI = fileURLToPath(new URL("../../../bin/apprentice.js", import.meta.url));

export interface RssCycle {
  beforeMB: number;
  /** Highest RSS seen during the cycle (sampled, and the kernel's high-water mark). */
  peakMB: number;
  /** A second after the cycle ended. */
  afterMB: number;
}

export interface RssFigures {
  /** Started, first wake done (nothing to do), settled: no model loaded yet. */
  idleMB: number;
  peakMB: number;
  /** After the last cycle. */
  afterMB: number;
  cycles: RssCycle[];
}

/** Starts a daemon on a fresh state in `stateDir` with `modelPath`, runs `cycles` inbox-woken cycles, stops it. */
export async function measureDaemonRss(options: {
  stateDir: string;
  modelPath: string;
  cycles: number;
  settleMs?: number;
  onProgress?: (line: string) => void;
}): Promise<RssFigures> {
  const settleMs = options.settleMs ?? 1000;
  const paths = statePaths(options.stateDir);
  await initStateDir(options.stateDir);
  await writeFile(paths.goals, "version: 1\ngoals: []\n");
  const config = JSON.parse(await readFile(paths.config, "utf8")) as Record<string, Record<string, unknown>>;
  config.model = { ...config.model, path: options.modelPath, seed: 1, maxTokensPerStep: 64 };
  config.schedule = { ...config.schedule, cron: "0 0 1 1 *", debounceMs: 100 };
  config.limits = { ...config.limits, maxSteps: 3 };
  await writeFile(paths.config, `${JSON.stringify(config, null, 2)}\n`);

  const child = spawn(CLI, ["start", "--state", options.stateDir], {
    env: { ...process.env, APPRENTICE_LOG: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error("bench speed: could not start the daemon");
  const waitFor = async (pattern: RegExp, timeoutMs: number, onTick?: () => Promise<void>): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (child.exitCode !== null) throw new Error(`bench speed: the daemon exited early:\n${output}`);
      if (Date.now() > deadline)
        throw new Error(`bench speed: timed out waiting for ${pattern} from the daemon:\n${output}`);
      await onTick?.();
      await sleep(20);
    }
  };
  try {
    await waitFor(/apprentice started/, 30_000);
    await sleep(settleMs);
    const idleMB = (await readStatusMB(pid)).rssMB;
    options.onProgress?.(`daemon RSS idle: ${idleMB.toFixed(1)} MB`);
    const cycles: RssCycle[] = [];
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const beforeMB = (await readStatusMB(pid)).rssMB;
      let peakMB = beforeMB;
      await writeFile(path.join(paths.inbox, `bench-${cycle}.md`), `Please note what time it is (message ${cycle}).`);
      await waitFor(new RegExp(`cycle ${cycle} (ran|failed) in`), 120_000, async () => {
        peakMB = Math.max(peakMB, (await readStatusMB(pid)).rssMB);
      });
      await sleep(settleMs);
      const status = await readStatusMB(pid);
      const afterMB = status.rssMB;
      // The high-water mark covers peaks between samples; before the first cycle it was at most the idle level.
      peakMB = Math.max(peakMB, status.hwmMB);
      cycles.push({ beforeMB: round(beforeMB), peakMB: round(peakMB), afterMB: round(afterMB) });
      options.onProgress?.(
        `daemon RSS cycle ${cycle}: ${beforeMB.toFixed(1)} MB before, ${peakMB.toFixed(1)} MB peak, ${afterMB.toFixed(1)} MB after`,
      );
    }
    return {
      idleMB: round(idleMB),
      peakMB: round(Math.max(...cycles.map((cycle) => cycle.peakMB))),
      afterMB: cycles.at(-1)?.afterMB ?? round(idleMB),
      cycles,
    };
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

/** VmRSS and VmHWM of a live process, in MB. */
export async function readStatusMB(pid: number): Promise<{ rssMB: number; hwmMB: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    if (match === null) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]) / 1024;
  };
  return { rssMB: field("VmRSS"), hwmMB: field("VmHWM") };
}
