// Soak: one real daemon process runs fast cycles on the test model (a cycle every second, one short step each) for a
// long time. Its RSS must not drift more than 10% from cycle 100 to the end, it must not leak file descriptors, and
// the state dir's size is followed part by part: what consolidation keeps bounded (db.json, lessons.json, lessons.md)
// must stop growing, the logs (episodes, journal) must stay within their retention limits, the history within its
// entry count, and the whole state dir must not grow from the first half of the bounded stretch to the second.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { historyPruneInterval } from "../../src/cycle/apply-retention.js";
import { listHistory } from "../../src/history/state-history.js";
import { MAX_CYCLE_RECORDS } from "../../src/memory/db.js";
import { statePaths } from "../../src/memory/state-paths.js";
import { readRssMB, startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";
import type { PropertyResult, ReliabilityProperty } from "./property.js";

const FULL_CYCLES = 1000;
const QUICK_CYCLES = 25;
/** Where the baseline is taken: after warm-up (full), or early (quick). */
const FULL_BASELINE = 100;
const QUICK_BASELINE = 8;
/** Retention limits small enough that 1,000 cycles hit each several times. */
const EPISODES_MAX_MB = 0.5;
const JOURNAL_MAX_MB = 0.25;
const FULL_KEEP_ENTRIES = 100;
const QUICK_KEEP_ENTRIES = 10;
/** What one cycle may add past a limit before retention runs (the journal is trimmed every 20 cycles). */
const SLACK_BYTES = 64 * 1024;

interface Sample {
  cycle: number;
  rssMB: number;
  fds: number;
  sizes: Record<string, number>;
}

export const property: ReliabilityProperty = {
  name: "soak",
  async run({ quick }): Promise<PropertyResult> {
    const cycles = quick ? QUICK_CYCLES : FULL_CYCLES;
    const baselineCycle = quick ? QUICK_BASELINE : FULL_BASELINE;
    const keepEntries = quick ? QUICK_KEEP_ENTRIES : FULL_KEEP_ENTRIES;
    const { dir, cleanup } = await makeStateDir({
      goalsYaml: "version: 1\ngoals:\n  - id: never\n    title: Write never.txt.\n    check: test -f never-ever.txt\n",
      config: {
        schedule: { cron: "* * * * * *", debounceMs: 100, catchUp: true },
        limits: { maxSteps: 1, stepTimeoutMs: 20_000, cycleTimeoutMs: 60_000 },
        model: { maxTokensPerStep: 32, temperature: 1 },
        learning: { consolidateEveryCycles: 10 },
        retention: { episodesMaxMB: EPISODES_MAX_MB, journalMaxMB: JOURNAL_MAX_MB },
        history: { keepEntries: keepEntries },
      },
    });
    const failures: string[] = [];
    const samples: Sample[] = [];
    const daemon = startCli(["start", "--state", dir], { APPRENTICE_LOG: "info" });
    const pid = daemon.child.pid ?? 0;
    const started = performance.now();
    try {
      for (let next = baselineCycle, previous = 0; ;) {
        // A cycle takes one to three seconds here; ten per cycle is the point where something is wrong.
        await daemon.waitFor(new RegExp(`cycle ${next} (ran|failed) in`), (next - previous) * 10_000);
        previous = next;
        samples.push({ cycle: next, rssMB: readRssMB(pid), fds: await countOwnFds(pid), sizes: measureSizes(dir) });
        if (next >= cycles) break;
        next = Math.min(cycles, next + (quick ? 8 : 100));
      }
      daemon.child.kill("SIGTERM");
      const code = await daemon.exited;
      if (code !== 0) failures.push(`the daemon exited ${String(code)} on SIGTERM`);
    } catch (error) {
      daemon.child.kill("SIGKILL");
      failures.push(`the soak stopped early: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
    const historyEntries = (await listHistory(statePaths(dir)).catch(() => [])).length;
    const output = daemon.output();
    if (/\n\s+at .+:\d+:\d+\)?\n/.test(output))
      failures.push(
        `a stack trace in the daemon's output: ${output.slice(output.search(/\n\s+at /) - 300, output.search(/\n\s+at /) + 200)}`,
      );
    // A cycle cut short by the final SIGTERM is the shutdown working, not a failure.
    const cycleFailures = output
      .split("\n")
      .filter((line) => /cycle failed:/.test(line) && !/stopped by SIGTERM/.test(line));
    if (cycleFailures.length > 0)
      failures.push(
        `${cycleFailures.length} cycles failed (model trouble is a failed step, not a failed cycle), e.g. ${cycleFailures[0]}`,
      );
    await cleanup();

    const first = samples[0];
    const last = samples.at(-1);
    if (first === undefined || last === undefined || last.cycle < cycles) {
      failures.push(`only ${last?.cycle ?? 0} of ${cycles} cycles ran`);
      return { ok: false, figures: `${last?.cycle ?? 0} of ${cycles} cycles`, failures };
    }
    const drift = (last.rssMB - first.rssMB) / first.rssMB;
    if (drift > 0.1)
      failures.push(
        `RSS drifted ${(drift * 100).toFixed(1)}% from cycle ${first.cycle} (${first.rssMB.toFixed(1)} MB) to ${last.cycle} (${last.rssMB.toFixed(1)} MB)`,
      );
    if (last.fds > first.fds)
      failures.push(`file descriptors grew from ${first.fds} at cycle ${first.cycle} to ${last.fds} at ${last.cycle}`);
    // What consolidation and the caps bound: at most 10% (and 64 KB) more at the end than once the cycle index is full
    // (it keeps the last MAX_CYCLE_RECORDS cycles, so db.json rightly grows until then).
    const bounded = samples.find((sample) => sample.cycle > MAX_CYCLE_RECORDS + first.cycle) ?? first;
    for (const part of ["db.json", "lessons.json", "lessons.md"]) {
      const before = bounded.sizes[part] ?? 0;
      const after = last.sizes[part] ?? 0;
      if (after > Math.max(before * 1.1, before + 65_536))
        failures.push(
          `${part} grew from ${before} to ${after} bytes between cycles ${bounded.cycle} and ${last.cycle}`,
        );
    }
    // The logs: within their limits at every sample, and the history within its entry count.
    for (const sample of samples) {
      for (const [part, limitMB] of [
        ["episodes.jsonl", EPISODES_MAX_MB],
        ["journal", JOURNAL_MAX_MB],
      ] as const) {
        const bytes = sample.sizes[part] ?? 0;
        if (bytes > limitMB * 1024 * 1024 + SLACK_BYTES)
          failures.push(`${part} was ${kb(bytes)} at cycle ${sample.cycle}, past its ${limitMB} MB limit`);
      }
    }
    const maxEntries = Math.floor(keepEntries * 1.5) + historyPruneInterval(keepEntries);
    if (historyEntries > maxEntries)
      failures.push(
        `the history holds ${historyEntries} entries, more than ${maxEntries} for keepEntries ${keepEntries}`,
      );
    // The whole state dir, once everything bounded has filled: its largest size in the second half of that stretch
    // is at most 10% (and 256 KB) over its largest in the first half. Logs cut in half at a limit saw-tooth, so a
    // single reading would not do.
    const stretch = samples.filter((sample) => sample.cycle >= bounded.cycle);
    if (!quick && stretch.length >= 4) {
      const half = Math.floor(stretch.length / 2);
      const largest = (part: (sizes: Record<string, number>) => number, from: Sample[]): number =>
        Math.max(...from.map((sample) => part(sample.sizes)));
      for (const [name, part] of [
        ["the state dir", total],
        [".history", (sizes: Record<string, number>) => sizes[".history"] ?? 0],
      ] as const) {
        const early = largest(part, stretch.slice(0, half));
        const late = largest(part, stretch.slice(half));
        if (late > Math.max(early * 1.1, early + 262_144))
          failures.push(
            `${name} grew: largest ${kb(early)} up to cycle ${stretch[half - 1]?.cycle}, then ${kb(late)} up to ${last.cycle}`,
          );
      }
    }
    const minutes = ((performance.now() - started) / 60_000).toFixed(1);
    return {
      ok: failures.length === 0,
      figures:
        `${last.cycle} cycles in ${minutes} min; RSS ${first.rssMB.toFixed(1)} → ${last.rssMB.toFixed(1)} MB (${(drift * 100).toFixed(1)}%), fds ${first.fds} → ${last.fds}; ` +
        `db.json ${kb(first.sizes["db.json"])} → ${kb(last.sizes["db.json"])}, lessons.json ${kb(first.sizes["lessons.json"])} → ${kb(last.sizes["lessons.json"])}; ` +
        `episodes.jsonl ${kb(last.sizes["episodes.jsonl"])}, journal ${kb(last.sizes.journal)}, .history ${kb(last.sizes[".history"])} (${historyEntries} entries); state ${kb(total(first.sizes))} → ${kb(total(last.sizes))}`,
      failures,
    };
  },
};

/** The daemon's ends of a model process's IPC channel and of its stdout pipe (src/brain/model-process.ts). */
const FDS_PER_MODEL_PROCESS = 2;

/**
 * The daemon's open file descriptors, less the {@link FDS_PER_MODEL_PROCESS} each live model process holds, as the least
 * of a few readings 150 ms apart. Cycles run back to back here, so a reading often lands while a model process is up or a state
 * file is open for a write; those come and go, while a leaked descriptor is in every reading.
 */
async function countOwnFds(pid: number): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let reading = 0; reading < 5; reading++) {
    if (reading > 0) await new Promise((resolve) => setTimeout(resolve, 150));
    const childrenBefore = liveChildren(pid);
    const fds = readdirSync(`/proc/${pid}/fd`).length;
    const childrenAfter = liveChildren(pid);
    // A model process started or ended between the two child listings: this reading cannot be corrected, skip it.
    if (childrenBefore !== childrenAfter) continue;
    least = Math.min(least, fds - childrenAfter * FDS_PER_MODEL_PROCESS);
  }
  return Number.isFinite(least) ? least : readdirSync(`/proc/${pid}/fd`).length;
}

/** How many child processes `pid` has, from every thread's children list. */
function liveChildren(pid: number): number {
  let count = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      count += readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).length;
    } catch (error) {
      // The thread ended between the listing and the read; anything else is a broken measurement.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" && (error as NodeJS.ErrnoException).code !== "ESRCH")
        throw error;
    }
  }
  return count;
}

/** Bytes of the state dir's parts: top-level files by name, folders summed. */
function measureSizes(dir: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "models") continue;
    sizes[entry.name] = entry.isDirectory()
      ? folderBytes(path.join(dir, entry.name))
      : fileBytes(path.join(dir, entry.name));
  }
  return sizes;
}

function folderBytes(folder: string): number {
  let bytes = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    bytes += entry.isDirectory() ? folderBytes(full) : fileBytes(full);
  }
  return bytes;
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    // Gone between listing and stat (a temp file renamed into place): it holds nothing now.
    return 0;
  }
}

function total(sizes: Record<string, number>): number {
  return Object.values(sizes).reduce((sum, bytes) => sum + bytes, 0);
}

function kb(bytes: number | undefined): string {
  return `${((bytes ?? 0) / 1024).toFixed(0)} KB`;
}
