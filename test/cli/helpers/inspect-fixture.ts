// A state dir with a known history for the inspect and steer commands: three goals, four lessons (one masked), one skill, episodes, a fake model.
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { normalizeAction } from "../../../src/learning/action-key.js";
import { addLesson, retireLesson } from "../../../src/learning/citation-rules.js";
import { recordOutcomes } from "../../../src/learning/outcome-rules.js";
import { recordSkillSuccess } from "../../../src/learning/skill-rules.js";
import { createDefaultDbData, readDbData, type DbData } from "../../../src/memory/db.js";
import { runCli } from "../../support/cli-process.js";
import { makeStateDir } from "../../support/state-fixture.js";

export const INSPECT_GOALS = [
  "version: 1",
  "goals:",
  "  - id: shopping-list",
  "    title: Write shopping.txt listing milk.",
  "    check: grep -qi milk shopping.txt",
  "  - id: report",
  "    title: Produce report.txt saying done.",
  "    check: grep -q done report.txt",
  "    priority: 5",
  "  - id: tidy",
  "    title: Keep the workspace tidy.",
  "",
].join("\n");

/** Size of the fake GGUF written to models/, in bytes: 2 MiB. */
export const FAKE_MODEL_BYTES = 2 * 1024 * 1024;

/** The time of cycle `n`: one minute apart from 2026-01-05 09:00 UTC. */
export function timeOf(cycle: number): Date {
  return new Date(Date.UTC(2026, 0, 5, 9, cycle));
}

/**
 * The db of a state dir after three cycles:
 * - goals: shopping-list met in cycle 3, report checked and failed, tidy never worked on;
 * - L1 avoid (provisional, masked: `run make-report` failed twice in cycle 2, episodes c2s1 and c2s2),
 *   L2 provisional fact, L3 pinned operator fact, L4 retired fact;
 * - S1, the active skill of shopping-list (one write_file step).
 */
export function buildInspectDb(): DbData {
  const data = createDefaultDbData();
  const learning = data.learning;
  const makeReport = normalizeAction("run", { command: "make-report", args: [] });
  const failure = (episodeId: string) => ({
    episodeId,
    cycle: 2,
    goal: "report",
    action: makeReport,
    ok: false,
    signature: "exit #: no template",
    fingerprint: "world-a",
    retest: false,
    fromWorld: false,
    changedWorld: false,
  });
  recordOutcomes(learning, [failure("c2s1"), failure("c2s2")], [{ goal: "report", passed: false }], {
    cycle: 2,
    now: timeOf(2),
    maxCooldownCycles: 8,
  });
  const fact = (text: string, status: "provisional" | "pinned", source: "self" | "operator", evidence: string[]) =>
    addLesson(
      learning,
      { text, kind: "fact", scope: { goal: "report", keywords: [] }, source, tainted: false, status, evidence },
      { cycle: 3, now: timeOf(3) },
    ).lesson;
  fact("List the workspace before writing.", "provisional", "self", ["c3s1"]);
  fact("Keep answers short.", "pinned", "operator", ["operator/t1.lesson.md"]);
  retireLesson(fact("Old advice.", "provisional", "self", []), "harmful 3 ≥ 3 and more than helpful 0", {
    cycle: 3,
    now: timeOf(3),
  });
  recordSkillSuccess(
    learning,
    "shopping-list",
    [{ tool: "write_file", args: { path: "shopping.txt", content: "milk\n" } }],
    ["c3s1"],
    { cycle: 3, now: timeOf(3) },
  );

  data.cycle = { count: 3, lastStartedAt: timeOf(3).toISOString(), lastEndedAt: timeOf(3).toISOString() };
  data.cycles = [1, 2, 3].map((cycle) => ({
    cycle,
    startedAt: timeOf(cycle).toISOString(),
    endedAt: new Date(timeOf(cycle).getTime() + 2500).toISOString(),
    status: "ran" as const,
    steps: 2,
    failedSteps: cycle === 2 ? 2 : 0,
    durationMs: 2500,
    ...(cycle === 3 ? { summary: "wrote shopping.txt" } : {}),
  }));
  data.goals = {
    "shopping-list": {
      attempts: 3,
      lastCheckedAt: timeOf(3).toISOString(),
      lastCheckPassed: true,
      lastCheckOutput: "",
      doneAt: timeOf(3).toISOString(),
      lastWorkedAt: timeOf(3).toISOString(),
    },
    report: {
      attempts: 2,
      lastCheckedAt: timeOf(2).toISOString(),
      lastCheckPassed: false,
      lastCheckOutput: "grep: report.txt: No such file or directory\n",
      lastWorkedAt: timeOf(2).toISOString(),
    },
  };
  return data;
}

/** Episode lines for the evidence ids of {@link buildInspectDb}. */
function buildEpisodes(): string {
  const line = (
    id: string,
    cycle: number,
    step: number,
    tool: string,
    args: unknown,
    ok: boolean,
    extra: Record<string, unknown>,
  ) =>
    JSON.stringify({
      v: 1,
      id,
      cycle,
      step,
      at: timeOf(cycle).toISOString(),
      goal: "report",
      tool,
      args,
      ok,
      durationMs: 12,
      ...extra,
    });
  return [
    line("c2s1", 2, 1, "run", { command: "make-report", args: [] }, false, {
      error: "exit 3: no template",
      signature: "exit #: no template",
    }),
    line("c2s2", 2, 2, "run", { command: "make-report", args: [] }, false, {
      error: "exit 3: no template",
      signature: "exit #: no template",
    }),
    line("c3s1", 3, 1, "write_file", { path: "shopping.txt" }, true, { output: "wrote 5 bytes" }),
    "",
  ].join("\n");
}

/** Makes the state dir: templates, {@link INSPECT_GOALS}, the db, episodes, lessons.md and a fake model at models/tiny.gguf. */
export async function makeInspectState(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const fixture = await makeStateDir({
    withModel: false,
    goalsYaml: INSPECT_GOALS,
    config: { model: { path: "models/tiny.gguf" } },
  });
  await mkdir(path.join(fixture.dir, "models"), { recursive: true });
  await writeFile(path.join(fixture.dir, "models", "tiny.gguf"), Buffer.alloc(FAKE_MODEL_BYTES));
  await writeFile(path.join(fixture.dir, "db.json"), `${JSON.stringify(buildInspectDb(), null, 2)}\n`);
  await writeFile(path.join(fixture.dir, "episodes.jsonl"), buildEpisodes());
  return fixture;
}

/** Every file under `dir` with its size and mtime, to show that a command changed nothing. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        snapshot[`${path.relative(dir, full)}/`] = "dir";
        await walk(full);
      } else {
        const info = await stat(full);
        snapshot[path.relative(dir, full)] = `${info.size} ${info.mtimeMs}`;
      }
    }
  };
  await walk(dir);
  return snapshot;
}

/** Runs the CLI and parses its stdout as one JSON value; fails with the whole output when either step fails. */
export async function runCliJson<T>(args: string[]): Promise<T> {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`apprentice ${args.join(" ")} exited ${result.code}:\n${result.output}`);
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    throw new Error(`stdout of apprentice ${args.join(" ")} is not one JSON value:\n${result.stdout}`, {
      cause: error,
    });
  }
}

/** Reads a state dir's db (db.json, lessons.json, cycle.json) as the daemon would. */
export async function readDbFile(dir: string): Promise<DbData> {
  return readDbData(path.join(dir, "db.json"));
}
