// Crash safety: the real daemon, in a child process on the test model, cycling every two seconds, is SIGKILLed at
// seeded random moments (at start, idle, mid-step, mid-write). After every kill the state must be whole: every file
// parses, every cycle the journal or the history calls complete has its db record and its episodes, no episode line is
// half-written except a torn last one (which the next start repairs), and nothing seen before is lost. Finally a normal
// start runs a normal cycle and stops cleanly.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "../../src/config.js";
import { listHistory } from "../../src/history/state-history.js";
import { readDbData, type DbData } from "../../src/memory/db.js";
import { loadGoals } from "../../src/memory/goals-file.js";
import { statePaths } from "../../src/memory/state-paths.js";
import { startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";
import type { PropertyResult, ReliabilityProperty } from "./property.js";
import { seededRandom } from "./seeded-random.js";

const FULL_KILLS = 110;
const QUICK_KILLS = 6;

/** A cycle the journal reports as finished or interrupted, with the steps it lists. */
interface JournalCycle {
  cycle: number;
  status: "ran" | "failed" | "interrupted";
  steps: number;
}

export const property: ReliabilityProperty = {
  name: "crash-kills",
  async run({ quick, seed }): Promise<PropertyResult> {
    const random = seededRandom(seed);
    const kills = quick ? QUICK_KILLS : FULL_KILLS;
    const { dir, cleanup } = await makeStateDir({
      goalsYaml:
        "version: 1\ngoals:\n  - id: notes\n    title: Keep notes.txt with one line per visit.\n    check: grep -q visit-999 notes.txt\n",
      config: {
        schedule: { cron: "*/2 * * * * *", debounceMs: 100, catchUp: true },
        limits: { maxSteps: 3, stepTimeoutMs: 20_000, cycleTimeoutMs: 60_000 },
        model: { maxTokensPerStep: 96, temperature: 1 },
      },
    });
    const failures: string[] = [];
    const seen = new Map<number, Set<string>>();
    let tornRepairs = 0;
    let midCycleKills = 0;
    let completedCycles = 0;
    try {
      for (let kill = 1; kill <= kills && failures.length === 0; kill += 1) {
        const child = startCli(["start", "--state", dir], { APPRENTICE_LOG: "info" });
        // From just after spawn (often before the lock or the model) to deep into a cycle or the idle wait.
        const delayMs = Math.floor(150 + random() * 4500);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        child.child.kill("SIGKILL");
        await child.exited;
        const output = child.output();
        if (/\n\s+at .+:\d+:\d+\)?\n/.test(output) && !/SIGKILL/.test(output))
          failures.push(`kill ${kill}: the daemon printed a stack trace:\n${output.slice(-800)}`);
        if (/cycle \d+: step \d+ /.test(output.split("\n").slice(-3).join("\n"))) midCycleKills += 1;
        if (/cut a torn last line/.test(output)) tornRepairs += 1;
        const check = await checkState(dir, seen);
        completedCycles = check.completed;
        failures.push(...check.failures.map((failure) => `kill ${kill} (after ${delayMs} ms): ${failure}`));
      }
      if (failures.length === 0) {
        // A normal start after all that runs a normal cycle and stops cleanly on SIGTERM.
        const last = startCli(["start", "--state", dir], { APPRENTICE_LOG: "info" });
        try {
          await last.waitFor(/cycle \d+ (ran|failed) in/, 60_000);
          last.child.kill("SIGTERM");
          const code = await last.exited;
          if (code !== 0)
            failures.push(`the last start exited ${String(code)} on SIGTERM:\n${last.output().slice(-800)}`);
        } catch (error) {
          last.child.kill("SIGKILL");
          failures.push(
            `the last start did not run a cycle: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        const check = await checkState(dir, seen);
        completedCycles = check.completed;
        failures.push(...check.failures.map((failure) => `after the last start: ${failure}`));
      }
    } finally {
      await cleanup();
    }
    return {
      ok: failures.length === 0,
      figures: `${kills} kills (${midCycleKills} mid-step), ${completedCycles} complete cycles checked, ${tornRepairs} torn episode lines repaired, ${failures.length} lost or corrupt records`,
      failures,
    };
  },
};

/** Checks the state dir after a kill (crash-points uses it too); `seen` carries the episode ids of complete cycles from check to check. */
export async function checkState(
  dir: string,
  seen: Map<number, Set<string>>,
): Promise<{ failures: string[]; completed: number }> {
  const paths = statePaths(dir);
  const failures: string[] = [];
  let db: DbData | undefined;
  try {
    db = await readDbData(paths.db);
  } catch (error) {
    failures.push(`db.json does not parse: ${describe(error)}`);
  }
  try {
    parseConfig(JSON.parse(await readFile(paths.config, "utf8")), paths.config);
  } catch (error) {
    failures.push(`config.json does not parse: ${describe(error)}`);
  }
  const goals = await loadGoals(paths.goals);
  if (!goals.ok) failures.push(`goals.yaml does not parse: ${goals.error}`);

  // Episodes: every line parses but a torn last one (cut off and saved aside at the next start).
  const episodesText = await readFile(paths.episodes, "utf8").catch(() => "");
  const lines = episodesText.split("\n");
  // The last piece has no newline: empty, or a torn line the next start cuts off and saves aside.
  lines.pop();
  const stepIds = new Map<number, Set<string>>();
  lines.forEach((line, index) => {
    if (line.trim().length === 0) return;
    try {
      const record = JSON.parse(line) as { id?: string; cycle?: number; kind?: string };
      if (record.kind === "step" && typeof record.cycle === "number" && typeof record.id === "string") {
        const ids = stepIds.get(record.cycle) ?? new Set<string>();
        ids.add(record.id);
        stepIds.set(record.cycle, ids);
      }
    } catch {
      failures.push(
        `episodes.jsonl line ${index + 1} is half-written but not last: ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
  });
  // The journal's finished cycles must have their db record and their episodes.
  const journal = await readJournal(paths.journal);
  const records = new Map((db?.cycles ?? []).map((record) => [record.cycle, record]));
  for (const entry of journal) {
    const record = records.get(entry.cycle);
    if (db !== undefined && record === undefined && entry.cycle > (db.cycles[0]?.cycle ?? 0)) {
      failures.push(`the journal says cycle ${entry.cycle} ${entry.status}, but db.json has no record of it`);
    } else if (record !== undefined && record.status !== entry.status) {
      failures.push(`the journal says cycle ${entry.cycle} ${entry.status}, db.json says ${record.status}`);
    }
    const ids = stepIds.get(entry.cycle)?.size ?? 0;
    if (ids < entry.steps)
      failures.push(`the journal lists ${entry.steps} steps for cycle ${entry.cycle}, episodes.jsonl has ${ids}`);
  }
  // The history's cycle entries likewise.
  try {
    for (const entry of await listHistory(paths)) {
      if (entry.event !== "cycle" || entry.cycle === undefined) continue;
      if (!journal.some((cycle) => cycle.cycle === entry.cycle))
        failures.push(`the history records cycle ${entry.cycle}, the journal does not`);
      if (db !== undefined && !records.has(entry.cycle))
        failures.push(`the history records cycle ${entry.cycle}, db.json does not`);
    }
  } catch (error) {
    failures.push(`the history cannot be read: ${describe(error)}`);
  }
  // Nothing seen complete before is lost now.
  for (const [cycle, ids] of seen) {
    for (const id of ids)
      if (!stepIds.get(cycle)?.has(id)) failures.push(`episode ${id} of complete cycle ${cycle} was lost`);
  }
  for (const entry of journal) seen.set(entry.cycle, new Set(stepIds.get(entry.cycle) ?? []));
  return { failures, completed: journal.filter((entry) => entry.status !== "interrupted").length };
}

/** The finished (`ran` or `failed`) and interrupted cycles in the journal, with the number of steps each lists. */
async function readJournal(journalDir: string): Promise<JournalCycle[]> {
  const names = (await readdir(journalDir).catch(() => [] as string[])).filter((name) => name.endsWith(".md")).sort();
  const cycles: JournalCycle[] = [];
  for (const name of names) {
    const text = await readFile(path.join(journalDir, name), "utf8");
    for (const section of text.split(/\n(?=## )/)) {
      const heading = /^## Cycle (\d+) — \d\d:\d\d \((ran|failed|interrupted)\b/.exec(section);
      if (heading === null) continue;
      const steps = section.split("\n").filter((line) => /^\d+\. [✓✗] /.test(line)).length;
      cycles.push({ cycle: Number(heading[1]), status: heading[2] as JournalCycle["status"], steps });
    }
  }
  return cycles;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error);
}
