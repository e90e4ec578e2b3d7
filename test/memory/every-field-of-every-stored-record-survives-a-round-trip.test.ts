// Every field of every stored record type (db with cycle records, lessons, skills, situations, episodes, config, goals, operator lesson requests) comes back as it was written, through the real writers and readers; the fixtures' types make every optional field required, so a field added to a schema and left out here does not compile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify as stringifyYaml } from "yaml";
import type { StepRecord } from "../../src/cycle/act-loop.js";
import { useModel } from "../../src/cli/use-model.js";
import type { Config } from "../../src/config.js";
import { readConfigFile } from "../../src/config-file.js";
import { initStateDir } from "../../src/daemon/init-state.js";
import { formatLessonOp, parseLessonOp, type LessonOp } from "../../src/learning/operator-ops.js";
import type { Lesson, Skill, SituationHistory } from "../../src/learning/types.js";
import { createMemoryLogger } from "../../src/log.js";
import { LESSON_CHANGES_FILE, openDb, writeDb, type CycleRecord, type DbData } from "../../src/memory/db.js";
import { writeFileDurably } from "../../src/memory/durable-write.js";
import { openEpisodeLog, readEpisodes, type EpisodeRecord } from "../../src/memory/episodes.js";
import { loadGoals, type Goal } from "../../src/memory/goals-file.js";
import { statePaths } from "../../src/memory/state-paths.js";
import type { Complete } from "../support/complete.js";

const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-02T00:00:00Z") };

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-round-trip-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const HISTORY: Complete<Lesson["history"]> = [
  { cycle: 4, at: "2024-05-01T10:04:00.000Z", change: "masked", reason: "two identical failures", cooldownCycles: 2 },
];

function fullLesson(id: string, text: string): Complete<Lesson> {
  return {
    id,
    text,
    kind: "avoid",
    scope: { goal: "report", tool: "run", keywords: ["make", "report"] },
    action: { tool: "run", args: '{"args":[],"command":"make-report"}' },
    evidence: ["c3s1", "c4s1"],
    helpful: 2,
    harmful: 1,
    status: "trusted",
    source: "self",
    tainted: true,
    createdAt: "2024-05-01T10:04:00.000Z",
    createdCycle: 4,
    lastUsedAt: "2024-05-01T10:06:00.000Z",
    lastUsedCycle: 6,
    mask: {
      fingerprint: "world-b",
      worlds: ["world-a"],
      signature: "exit #: boom",
      cooldownCycles: 2,
      untilCycle: 6,
      retests: 1,
      lastRetestCycle: 5,
    },
    stats: { successes: 3, failures: 4 },
    history: HISTORY,
  };
}

const SKILL: Complete<Skill> = {
  id: "S1",
  goal: "report",
  steps: [
    { tool: "run", args: { command: "fetch-data", args: ["--all"] } },
    { tool: "write_file", args: { path: "report.md", content: "# Report\n" } },
  ],
  successes: 3,
  failures: 1,
  status: "active",
  createdAt: "2024-05-01T10:02:00.000Z",
  createdCycle: 2,
  lastUsedCycle: 6,
  evidence: ["c2s1", "c2s2"],
  doubtful: [0],
  history: HISTORY,
};

const SITUATION: Complete<SituationHistory> = {
  goal: "report",
  action: { tool: "run", args: '{"args":[],"command":"fetch-data"}' },
  outcomes: [
    {
      cycle: 5,
      ok: false,
      signature: "exit #: boom",
      fingerprint: "world-a",
      episodeId: "c5s1",
      fromWorld: true,
      changedWorld: false,
    },
    {
      cycle: 6,
      ok: true,
      signature: "",
      fingerprint: "world-b",
      episodeId: "c6s1",
      fromWorld: false,
      changedWorld: true,
    },
  ],
  checkFailedCycles: [5],
  checkPassedCycles: [6],
  lastCycle: 6,
};

const SENSORS: Complete<CycleRecord["sensors"]> = {
  cpuTempC: 51.5,
  availableRamMB: 812,
  totalRamMB: 3906,
  throttled: "0x0",
};

const CYCLE_RECORD: Complete<CycleRecord> = {
  cycle: 6,
  startedAt: "2024-05-01T10:06:00.000Z",
  endedAt: "2024-05-01T10:06:30.000Z",
  status: "ran",
  reason: "aborted: timeout",
  steps: 3,
  failedSteps: 1,
  summary: "wrote the report",
  durationMs: 30_000,
  goalsMet: true,
  goals: [{ id: "report", verdict: "met", by: "replay" }],
  learned: 2,
  activeLessons: 1,
  sensors: SENSORS,
  resources: { contextSize: 2048, threads: 2, neededRamMB: 612.5 },
  tokens: {
    prompt: 900,
    bySection: { charter: 700, turns: 0, request: 180, frame: 20 },
    evaluated: 960,
    reused: 900,
    generated: 60,
    contextSize: 2048,
    cutSections: ["journal"],
    steps: [
      { step: 1, prompt: 900, evaluated: 900, reused: 0, generated: 30 },
      { step: 2, prompt: 960, evaluated: 60, reused: 900, generated: 30 },
    ],
  },
};

const DB: Complete<DbData> = {
  version: 3,
  cycle: {
    count: 7,
    lastStartedAt: "2024-05-01T10:06:00.000Z",
    lastEndedAt: "2024-05-01T10:06:30.000Z",
    inProgress: { cycle: 7, startedAt: "2024-05-01T10:07:00.000Z", pid: 4242 },
    pendingJournal: {
      cycle: 6,
      day: "2024-05-01",
      text: "## Cycle 6\n\nwrote the report\n",
      inbox: [{ file: "msg.md", size: 12, mtimeMs: 1714557960000.5 }],
    },
  },
  goals: {
    report: {
      attempts: 3,
      lastCheckedAt: "2024-05-01T10:06:30.000Z",
      lastCheckPassed: true,
      lastCheckOutput: "ok\n",
      doneAt: "2024-05-01T10:06:30.000Z",
      lastWorkedAt: "2024-05-01T10:06:00.000Z",
    },
  },
  cycles: [CYCLE_RECORD],
  lastSkip: { at: "2024-05-01T10:05:00.000Z", reason: "too-hot", detail: "82.1 °C > 80 °C", sensors: SENSORS },
  learning: {
    lessons: [fullLesson("L1", "Avoid `run make-report` for goal report"), fullLesson("L2", "`fetch-data` is flaky")],
    skills: [SKILL],
    situations: { 'report|run|{"args":[],"command":"fetch-data"}': SITUATION },
    nextLessonId: 3,
    nextSkillId: 2,
    lastConsolidationCycle: 5,
  },
};

test("db: every field of the db, its cycle records, lessons, skills and situations survives writeDb and openDb", async (t) => {
  const file = path.join(await tempDir(t), "db.json");
  const { db } = await openDb(file, deps);
  db.data = structuredClone(DB);
  await writeDb(db);

  const reopened = await openDb(file, deps);
  assert.deepEqual(reopened.warnings, []);
  assert.deepEqual(reopened.db.data, DB);
});

test("db: a lesson rewritten in every field reaches disk through lessons-changes.jsonl and reads back whole", async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, "db.json");
  const { db } = await openDb(file, deps);
  // Enough lessons that one changed lesson is appended to lessons-changes.jsonl rather than rewriting lessons.json.
  const others = Array.from({ length: 30 }, (_, index) => fullLesson(`L${index + 3}`, `lesson ${index + 3}`));
  db.data = structuredClone({
    ...DB,
    learning: { ...DB.learning, lessons: [...DB.learning.lessons, ...others], nextLessonId: 33 },
  });
  await writeDb(db);
  const changed: Complete<Lesson> = {
    ...fullLesson("L2", "`fetch-data` fails when the network is down"),
    kind: "flaky",
    scope: { goal: "digest", tool: "write_file", keywords: ["network"] },
    action: { tool: "run", args: '{"args":["--all"],"command":"fetch-data"}' },
    evidence: ["c7s2"],
    helpful: 5,
    harmful: 3,
    status: "pinned",
    source: "operator",
    tainted: false,
    lastUsedAt: "2024-05-01T10:07:00.000Z",
    lastUsedCycle: 7,
    mask: {
      fingerprint: "world-c",
      worlds: ["world-a", "world-b"],
      signature: "exit #: down",
      cooldownCycles: 4,
      untilCycle: 11,
      retests: 2,
      lastRetestCycle: 7,
    },
    stats: { successes: 4, failures: 6 },
    history: [
      ...HISTORY,
      { cycle: 7, at: "2024-05-01T10:07:00.000Z", change: "retest-failed", reason: "still down", cooldownCycles: 4 },
    ],
  };
  db.data.learning.lessons[1] = structuredClone(changed);
  await writeDb(db);
  const changes = (await readFile(path.join(dir, LESSON_CHANGES_FILE), "utf8")).trim().split("\n");
  assert.equal(changes.length, 1, "the change was appended, not written with the whole lessons.json");

  const reopened = await openDb(file, deps);
  assert.deepEqual(reopened.warnings, []);
  assert.deepEqual(reopened.db.data.learning.lessons, [DB.learning.lessons[0], changed, ...others]);
});

// The episode line's fields are the step record's, plus those the cycle adds: a field added to one and not the other
// does not compile.
type StepFields = Omit<EpisodeRecord, "v" | "kind" | "id" | "cycle" | "at">;
type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const stepRecordIsAnEpisode: SameType<Complete<StepRecord>, Complete<StepFields>> = true;

const EPISODE: Complete<EpisodeRecord> = {
  v: 1,
  kind: "step",
  id: "c6s2",
  cycle: 6,
  step: 2,
  at: "2024-05-01T10:06:10.000Z",
  goal: "report",
  tool: "run",
  args: { command: "fetch-data", args: ["--all"] },
  thought: "get the data first",
  ok: false,
  error: "exit 2",
  detail: "fetch-data: network is down",
  signature: "exit #: network is down",
  output: "partial\n",
  durationMs: 41,
  fromWorld: true,
  touched: ["data.csv"],
  invalidOutput: false,
  raw: '{"tool":"run"}',
  usage: {
    promptTokens: 900,
    evaluatedPromptTokens: 60,
    generatedTokens: 30,
    durationMs: 800,
    firstTokenMs: 120,
    droppedSteps: 1,
    cutSections: ["journal"],
    promptParts: { sections: [{ id: "charter", tokens: 700 }], turns: 120, request: 50, frame: 30 },
    contextSize: 2048,
    promptPartsMs: 0.25,

    prefixCache: {
      outcome: "written",
      prefixTokens: 700,
      loadedTokens: 640,
      stateFileBytes: 4096,
      loadMs: 3,
      prefixEvalMs: 500,
      extendEvalMs: 40,
      saveMs: 9,
      rejected: "state file does not match its sidecar's size and sha256",
    },
  },
  action: { tool: "run", args: '{"args":["--all"],"command":"fetch-data"}' },
  fingerprint: "world-b:/usr/bin/fetch-data",
  world: "world-b",
  changedWorld: true,
  changedPaths: ["data.csv"],
  retest: true,
  blocked: false,
  replay: "S1",
  replayWithout: 2,
  cite: ["L1"],
};

test("episodes: every field of a line survives the appender and readEpisodes", async (t) => {
  assert.equal(stepRecordIsAnEpisode, true);
  const file = path.join(await tempDir(t), "episodes.jsonl");
  const log = await openEpisodeLog(file, deps);
  await log.append(structuredClone(EPISODE));
  await log.sync();
  await log.close();

  const read = await readEpisodes(file);
  assert.deepEqual(read.skipped, []);
  assert.deepEqual(read.records, [EPISODE]);
});

const CONFIG: Complete<Config> = {
  version: 1,
  model: {
    path: "models/old.gguf",
    contextSize: 4096,
    threads: 2,
    temperature: 0.7,
    seed: 42,
    maxTokensPerStep: 300,
    thoughtMaxChars: 100,
    prefixCache: false,
    prefixCacheMaxMB: 64,
  },
  schedule: { cron: "*/15 * * * *", debounceMs: 1500, catchUp: false },
  limits: {
    maxSteps: 12,
    stepTimeoutMs: 30_000,
    cycleTimeoutMs: 300_000,
    maxTempC: 85,
    softTempC: 75,
    minContextSize: 1024,
    reserveRamMB: 128,
    maxFileBytes: 32_768,
    maxOutputBytes: 8192,
    commandTimeoutMs: 5000,
    recentJournalEntries: 5,
  },
  tools: {
    allowCommands: ["ls", "make-report"],
    commandDirs: ["bin"],
    commandArgs: { "make-report": 2 },
    enabled: ["finish", "run", "read_file"],
  },
  sandbox: { mode: "none", networkCommands: ["make-report"], networkChecks: true },
  learning: { enabled: false, reflect: true, consolidateEveryCycles: 5, maxLessons: 50, maxCooldownCycles: 16 },
  history: { enabled: false, keepEntries: 200 },
  retention: { episodesMaxMB: 8, journalMaxMB: 4, journalDays: 30 },
};

test("config: every field survives config.json written whole and then edited by `model pull --use`", async (t) => {
  const root = await tempDir(t);
  await initStateDir(root);
  const paths = statePaths(root);
  await writeFileDurably(paths.config, `${JSON.stringify(CONFIG, null, 2)}\n`);
  const used = await useModel(paths, path.join(root, "models", "new.gguf"));
  assert.deepEqual(used, { ok: true, modelPath: "models/new.gguf" });

  const read = await readConfigFile(paths.config);
  assert.equal(read.status, "ok");
  assert.deepEqual(read.config, { ...CONFIG, model: { ...CONFIG.model, path: "models/new.gguf" } });
});

const GOALS: Array<Complete<Goal>> = [
  { id: "report", title: "Write the weekly report", check: "test -s report.md", every: "1w", priority: 5 },
  { id: "tidy-notes", title: "Tidy the notes", check: "test ! -e notes/tmp", every: "6h", priority: -3 },
];

test("goals: every field of goals.yaml as the operator writes it comes back from loadGoals", async (t) => {
  const file = path.join(await tempDir(t), "goals.yaml");
  await writeFile(file, stringifyYaml({ version: 1, goals: GOALS }));
  assert.deepEqual(await loadGoals(file), { ok: true, goals: GOALS });
});

test("operator requests: every field of a lesson request survives formatLessonOp and parseLessonOp", () => {
  const request: Complete<LessonOp> = { op: "retire", id: "L12" };
  assert.deepEqual(parseLessonOp(formatLessonOp(request)), { ok: true, request });
});
