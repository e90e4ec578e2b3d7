// Builds a large, realistic state dir for `bench speed`: thousands of lessons of every kind and status, a long episodes.jsonl, situations, skills and a journal; seeded, so a seed always gives the same state.
import { createWriteStream } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { initStateDir } from "../daemon/init-state.js";
import { recordHistory } from "../history/state-history.js";
import { renderLessonsMarkdown } from "../learning/lessons-markdown.js";
import { normalizeAction, situationKey } from "../learning/action-key.js";
import type {
  ActionKey,
  Lesson,
  LessonKind,
  LessonStatus,
  LearningData,
  SituationHistory,
  Skill,
} from "../learning/types.js";
import { createDefaultDbData, MAX_CYCLE_RECORDS, type DbData } from "../memory/db.js";
import { writeFileDurably } from "../memory/durable-write.js";
import { formatLocalDate, renderJournalEntry } from "../memory/journal.js";
import { statePaths } from "../memory/state-paths.js";
import { createSeededRandom } from "../seeded-random.js";

/** Goals of the seeded state; the first is the one due in every bench cycle. */
export const BENCH_GOALS = Array.from({ length: 20 }, (_, index) => `goal-${index + 1}`);

const COMMANDS = ["ls", "cat", "wc", "date", "echo", "make-report", "sync-notes", "backup-db", "fetch-feed", "tidy"];
const FILES = [
  "notes.txt",
  "report.txt",
  "data.csv",
  "todo.md",
  "shopping.txt",
  "log/today.txt",
  "feed.xml",
  "summary.md",
];
const WORDS = [
  "report",
  "missing",
  "file",
  "permission",
  "denied",
  "timeout",
  "network",
  "offline",
  "csv",
  "header",
  "empty",
  "backup",
  "notes",
  "shopping",
  "list",
  "feed",
  "parse",
  "error",
  "exit",
  "status",
  "write",
  "first",
  "before",
  "after",
  "retry",
  "disk",
  "full",
  "config",
  "allowlist",
  "workspace",
  "summary",
  "daily",
  "weekly",
  "check",
  "passes",
  "fails",
  "sorted",
  "duplicate",
  "line",
  "encoding",
  "utf8",
  "quote",
  "argument",
  "flag",
  "help",
  "version",
  "path",
  "directory",
  "exists",
];
const SIGNATURES = [
  "exit status #: No such file or directory: <path>",
  "exit status #: permission denied: <path>",
  "timed out after #ms",
  "exit status #: connection refused (<hex>)",
  "exit status #: unexpected header in <path> line #",
  "exit status #: disk full writing <path>",
];
const CHANGES = ["cited-helpful", "cited-harmful", "masked", "retest-failed", "promoted", "merged"];
const KINDS: readonly LessonKind[] = [
  "avoid",
  "avoid",
  "avoid",
  "avoid",
  "fact",
  "flaky",
  "flaky",
  "fact",
  "fact",
  "fact",
];

/** Shape of a seeded state. */
export interface BenchStateOptions {
  lessons: number;
  episodes: number;
  /** Defaults to `1`. */
  seed?: number;
  /** The state's cycle count: lessons and episodes are spread over cycles up to it. Defaults to `5000`. */
  cycles?: number;
}

/** Seeded draws: a number in [0, 1), an element of a list, a whole number in [low, high]. */
interface Draw {
  random: () => number;
  pick: <T>(list: readonly T[]) => T;
  int: (low: number, high: number) => number;
}

/** Lessons of every kind and status, with masks, stats, evidence ids and change histories, as the rules write them. */
export function makeBenchLessons(count: number, options: { seed?: number; cycles?: number } = {}): Lesson[] {
  const random = createSeededRandom(options.seed ?? 1);
  const cycles = options.cycles ?? 5000;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const int = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const draw: Draw = { random, pick, int };
  const lessons: Lesson[] = [];
  for (let index = 0; index < count; index++) {
    const kind = pick(KINDS);
    const roll = random();
    // Mostly retired or provisional, as a long-lived state is; a few operator lessons are pinned.
    const status: LessonStatus =
      roll < 0.005 ? "pinned" : roll < 0.6 ? "retired" : roll < 0.86 ? "provisional" : "trusted";
    const goal = pick(BENCH_GOALS);
    const command = pick(COMMANDS);
    const file = pick(FILES);
    const action = drawLessonAction(draw, kind, command, file);
    const createdCycle = status === "provisional" ? int(cycles - 90, cycles) : int(1, cycles);
    const keywords = Array.from({ length: int(2, 6) }, () => pick(WORDS));
    const evidence = Array.from(
      { length: int(1, 5) },
      () => `c${int(Math.max(1, createdCycle - 20), createdCycle)}s${int(1, 8)}`,
    );
    const signature = pick(SIGNATURES);
    const history = drawLessonHistory(draw, { createdCycle, cycles, command, signature, evidence, status });
    const lesson: Lesson = {
      id: `L${index + 1}`,
      text: lessonText(kind, command, file, signature, keywords, random),
      kind,
      scope: {
        goal,
        ...(action !== undefined ? { tool: action.tool } : random() < 0.5 ? { tool: "run" } : {}),
        keywords,
      },
      ...(action !== undefined ? { action } : {}),
      evidence,
      helpful: int(0, 6),
      harmful: int(0, 4),
      status,
      source: status === "pinned" ? "operator" : "self",
      tainted: random() < 0.1,
      createdAt: benchCycleTime(createdCycle),
      createdCycle,
      ...(random() < 0.6
        ? { lastUsedCycle: Math.min(cycles, createdCycle + int(0, 80)), lastUsedAt: benchCycleTime(createdCycle) }
        : {}),
      history,
    };
    if (kind === "avoid" && action !== undefined && status !== "retired" && random() < 0.8)
      lesson.mask = drawLessonMask(draw, cycles, signature);
    if (kind === "flaky") lesson.stats = { successes: int(2, 8), failures: int(1, 5) };
    lessons.push(lesson);
  }
  return lessons;
}

/** The time of cycle `cycle` in the seeded state: half-hourly cycles from 2026-01-01. */
function benchCycleTime(cycle: number): string {
  return new Date(Date.UTC(2026, 0, 1) + cycle * 1_800_000).toISOString();
}

/** The action an avoid or flaky lesson is about (mostly a run of `command`, else a file tool on `file`); none for other kinds. */
function drawLessonAction(draw: Draw, kind: LessonKind, command: string, file: string): ActionKey | undefined {
  const { random, pick } = draw;
  return kind === "avoid" || kind === "flaky"
    ? random() < 0.7
      ? normalizeAction("run", { command, args: random() < 0.5 ? [] : [file] })
      : normalizeAction(pick(["read_file", "write_file", "append_file"]), { path: file })
    : undefined;
}

/**
 * A lesson's change history as the rules write it: created from two identical failures, then up to five later changes,
 * in cycle order, and a last "retired" entry for a retired lesson.
 */
function drawLessonHistory(
  draw: Draw,
  lesson: {
    createdCycle: number;
    cycles: number;
    command: string;
    signature: string;
    evidence: readonly string[];
    status: LessonStatus;
  },
): Lesson["history"] {
  const { random, pick, int } = draw;
  const { createdCycle, cycles } = lesson;
  const history: Lesson["history"] = [
    {
      cycle: createdCycle,
      at: benchCycleTime(createdCycle),
      change: "created",
      reason: `two identical failures of ${lesson.command} (${lesson.signature}) in the same world, episodes ${lesson.evidence.join(", ")}`,
    },
  ];
  for (let change = int(0, 5); change > 0; change--) {
    const cycle = int(createdCycle, cycles);
    history.push({
      cycle,
      at: benchCycleTime(cycle),
      change: pick(CHANGES),
      reason: `cycle ${cycle}: the goal's check ${random() < 0.5 ? "passed" : "failed"} after the model cited it`,
    });
  }
  history.sort((a, b) => a.cycle - b.cycle);
  if (lesson.status === "retired")
    history.push({
      cycle: cycles - int(0, 400),
      at: benchCycleTime(cycles),
      change: "retired",
      reason: "harmful 3 > helpful 1",
    });
  return history;
}

/** The mask of an avoid lesson: a fingerprint, a cooldown of 1 to 8 cycles ending near `cycles`, and some worlds. */
function drawLessonMask(draw: Draw, cycles: number, signature: string): NonNullable<Lesson["mask"]> {
  const { random, int } = draw;
  const cooldown = 2 ** int(0, 3);
  return {
    fingerprint: hex(random, 16),
    signature,
    cooldownCycles: cooldown,
    untilCycle: cycles - int(-cooldown, 20),
    retests: int(0, 3),
    ...(random() < 0.3 ? { worlds: Array.from({ length: int(1, 3) }, () => hex(random, 16)) } : {}),
  };
}

/** Queries like the ones a cycle recalls with: a goal title and recent failure signatures. */
export function makeRecallQueries(count: number, seed = 2): Array<{ goalId: string; query: string }> {
  const random = createSeededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  return Array.from({ length: count }, () => ({
    goalId: pick(BENCH_GOALS),
    query: [
      `Keep ${pick(FILES)} ${pick(WORDS)} and ${pick(WORDS)} up to date`,
      pick(SIGNATURES),
      pick(SIGNATURES),
    ].join(" "),
  }));
}

/**
 * Writes a state dir at `stateDir` (created from the templates) holding `options.lessons` lessons, 500 situations,
 * skills, a full cycle index, `options.episodes` episode lines and two days of journal. The first goal is due; its check
 * fails until the workspace holds done.txt. `config.json` points at `modelPath`.
 */
export async function seedBenchState(stateDir: string, modelPath: string, options: BenchStateOptions): Promise<void> {
  const seed = options.seed ?? 1;
  const cycles = options.cycles ?? 5000;
  const random = createSeededRandom(seed * 31 + 7);
  const paths = statePaths(stateDir);
  await initStateDir(stateDir);
  await mkdir(paths.workspace, { recursive: true });
  await writeFile(path.join(paths.workspace, "notes.txt"), "milk\neggs\nbread\n");
  await writeFile(path.join(paths.workspace, "data.csv"), "date,value\n2026-01-01,3\n");

  const goalsYaml = ["version: 1", "goals:"];
  BENCH_GOALS.forEach((goal, index) => {
    goalsYaml.push(
      `  - id: ${goal}`,
      `    title: ${JSON.stringify(`Keep ${FILES[index % FILES.length] ?? "notes.txt"} tidy and up to date (${goal})`)}`,
    );
    goalsYaml.push(`    check: ${JSON.stringify(index === 0 ? "test -f done.txt" : "true")}`);
  });
  await writeFile(paths.goals, `${goalsYaml.join("\n")}\n`);

  const config = JSON.parse(await readFile(paths.config, "utf8")) as Record<string, Record<string, unknown>>;
  config.model = { ...config.model, path: modelPath, seed, maxTokensPerStep: 96, thoughtMaxChars: 40 };
  config.schedule = { ...config.schedule, cron: "0 0 1 1 *", debounceMs: 100, catchUp: false };
  config.limits = { ...config.limits, maxSteps: 4, stepTimeoutMs: 60_000, cycleTimeoutMs: 300_000 };
  // A state that holds this many lessons has a cap to match; the default of 200 would have consolidated them away.
  config.learning = { ...config.learning, maxLessons: Math.max(200, Math.ceil(options.lessons / 2)) };
  await writeFile(paths.config, `${JSON.stringify(config, null, 2)}\n`);

  const db: DbData = createDefaultDbData();
  db.cycle = { count: cycles, lastStartedAt: new Date().toISOString(), lastEndedAt: new Date().toISOString() };
  for (const [index, goal] of BENCH_GOALS.entries()) {
    db.goals[goal] =
      index === 0
        ? { attempts: 40, lastCheckPassed: false, lastCheckOutput: "" }
        : { attempts: 3, lastCheckPassed: true, doneAt: new Date().toISOString() };
  }
  for (let cycle = Math.max(1, cycles - MAX_CYCLE_RECORDS + 1); cycle <= cycles; cycle++) {
    const at = new Date(Date.UTC(2026, 0, 1) + cycle * 1_800_000).toISOString();
    db.cycles.push({
      cycle,
      startedAt: at,
      endedAt: at,
      status: "ran",
      steps: 4,
      failedSteps: 1,
      durationMs: 2400,
      goalsMet: random() < 0.5,
      learned: 1,
      activeLessons: options.lessons,
    });
  }
  db.learning = makeLearning(options.lessons, seed, cycles, random);
  await writeFileDurably(paths.db, `${JSON.stringify(db, null, 2)}\n`);
  await writeFileDurably(paths.lessons, renderLessonsMarkdown(db.learning, new Date(), cycles));
  await writeEpisodes(paths.episodes, options.episodes, cycles, random);
  await writeJournal(paths.journal, cycles, random);
  // A long-lived state has a history already; the bench's cycles add to it rather than make its first commit.
  await recordHistory(paths, {
    event: "cycle",
    cycle: cycles,
    subject: `Cycle ${cycles} (seeded by bench speed)`,
    now: new Date(),
  });
}

function makeLearning(lessonCount: number, seed: number, cycles: number, random: () => number): LearningData {
  const lessons = makeBenchLessons(lessonCount, { seed, cycles });
  const situations: Record<string, SituationHistory> = {};
  for (let index = 0; index < 500; index++) {
    const goal = BENCH_GOALS[index % BENCH_GOALS.length] as string;
    const action = normalizeAction("run", {
      command: COMMANDS[index % COMMANDS.length],
      args: [FILES[Math.floor(index / 10) % FILES.length]],
    });
    situations[situationKey(goal, action)] = {
      goal,
      action,
      outcomes: Array.from({ length: 10 }, (_, step) => {
        const ok = random() < 0.6;
        return {
          cycle: cycles - 10 + step,
          ok,
          ...(ok ? {} : { signature: SIGNATURES[step % SIGNATURES.length] as string }),
          fingerprint: hex(random, 16),
          episodeId: `c${cycles - 10 + step}s${1 + (step % 4)}`,
          fromWorld: false,
          changedWorld: random() < 0.3,
        };
      }),
      checkFailedCycles: [cycles - 3, cycles - 2],
      checkPassedCycles: [cycles - 1],
      lastCycle: cycles - 1,
    };
  }
  const skills: Skill[] = BENCH_GOALS.slice(1).map((goal, index) => ({
    id: `S${index + 1}`,
    goal,
    steps: [
      { tool: "write_file", args: { path: FILES[index % FILES.length] as string, content: "done\n" } },
      { tool: "run", args: { command: "wc", args: [FILES[index % FILES.length] as string] } },
    ],
    successes: 5,
    failures: index % 3,
    status: index % 7 === 6 ? "retired" : "active",
    createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    createdCycle: 10 + index,
    lastUsedCycle: cycles - index,
    evidence: [`c${10 + index}s1`, `c${10 + index}s2`],
    history: [
      {
        cycle: 10 + index,
        at: new Date(Date.UTC(2026, 0, 1)).toISOString(),
        change: "created",
        reason: "the goal's check passed after these steps",
      },
    ],
  }));
  // Consolidation comes due in the middle of a run of bench cycles, as it would in a daemon's life.
  return {
    lessons,
    skills,
    situations,
    nextLessonId: lessonCount + 1,
    nextSkillId: skills.length + 1,
    lastConsolidationCycle: cycles - 6,
  };
}

/** Step and check lines like the cycle writes, about 20 per cycle, the newest cycles last. */
async function writeEpisodes(file: string, count: number, cycles: number, random: () => number): Promise<void> {
  const stream = createWriteStream(file, { flags: "w" });
  const perCycle = 20;
  const firstCycle = Math.max(1, cycles - Math.ceil(count / perCycle) + 1);
  for (let index = 0; index < count; index++) {
    const cycle = firstCycle + Math.floor(index / perCycle);
    const step = (index % perCycle) + 1;
    const at = new Date(Date.UTC(2026, 0, 1) + cycle * 1_800_000 + step * 1000).toISOString();
    const goal = BENCH_GOALS[cycle % BENCH_GOALS.length] as string;
    const line =
      step === perCycle
        ? {
            v: 1,
            kind: "check",
            id: `check-${goal}-${at}`,
            cycle,
            step: 0,
            at,
            goal,
            tool: "check",
            args: { command: "test -f done.txt" },
            ok: false,
            error: "exit 1",
            output: "",
            durationMs: 4,
          }
        : stepLine(cycle, step, at, goal, random);
    if (!stream.write(`${JSON.stringify(line)}\n`)) await once(stream, "drain");
  }
  stream.end();
  await once(stream, "finish");
}

function stepLine(
  cycle: number,
  step: number,
  at: string,
  goal: string,
  random: () => number,
): Record<string, unknown> {
  const command = COMMANDS[Math.floor(random() * COMMANDS.length)] as string;
  const file = FILES[Math.floor(random() * FILES.length)] as string;
  const args = { command, args: [file] };
  const ok = random() < 0.6;
  const world = hex(random, 16);
  const signature = SIGNATURES[Math.floor(random() * SIGNATURES.length)] as string;
  return {
    v: 1,
    kind: "step",
    id: `c${cycle}s${step}`,
    cycle,
    at,
    goal,
    step,
    tool: "run",
    args,
    thought: `try ${command} on ${file}`,
    ok,
    ...(ok
      ? { output: `${file}\n3 lines\n` }
      : { error: signature.replace("#", "2").replace("<path>", file), signature }),
    durationMs: 5 + Math.floor(random() * 40),
    fromWorld: true,
    usage: {
      promptTokens: 900 + step * 40,
      evaluatedPromptTokens: 60,
      generatedTokens: 30,
      durationMs: 800,
      droppedSteps: 0,
      cutSections: [],
    },
    action: normalizeAction("run", args),
    fingerprint: `${world}:/usr/bin/${command}`,
    world,
  };
}

/** Yesterday's and today's journal files, a dozen entries each, so recall reads them as it would in a long-lived state. */
async function writeJournal(journalDir: string, cycles: number, random: () => number): Promise<void> {
  await mkdir(journalDir, { recursive: true });
  const now = Date.now();
  for (const [offset, first] of [
    [86_400_000, cycles - 24],
    [0, cycles - 12],
  ] as const) {
    const day = new Date(now - offset);
    const entries: string[] = [`# Journal ${formatLocalDate(day)}\n`];
    for (let cycle = first; cycle < first + 12; cycle++) {
      entries.push(
        renderJournalEntry({
          cycle,
          startedAt: day,
          durationMs: 2400,
          status: "ran",
          goals: [{ id: BENCH_GOALS[0] as string, title: "Keep notes.txt tidy" }],
          steps: [1, 2, 3].map((step) => ({
            step,
            tool: "run",
            argsSummary: `{"command":"${COMMANDS[step] ?? "ls"}"}`,
            ok: random() < 0.6,
            detail: "exit status 1: No such file",
          })),
          checks: [{ goal: BENCH_GOALS[0] as string, passed: false, detail: "exit 1" }],
          notes: [],
          learned: [`L${cycle % 1000} cited-helpful: the check passed`],
          sensors: "48.2 °C, 1900 MB free",
        }),
      );
    }
    await writeFile(path.join(journalDir, `${formatLocalDate(day)}.md`), entries.join("\n"));
  }
}

function lessonText(
  kind: LessonKind,
  command: string,
  file: string,
  signature: string,
  keywords: string[],
  random: () => number,
): string {
  const tail = keywords.join(" ");
  switch (kind) {
    case "avoid":
      return `Avoid running ${command} on ${file} while it fails with "${signature}"; ${tail}`;
    case "flaky":
      return `${command} ${file} fails about ${Math.round(20 + random() * 40)}% of the time (${signature}); retry once. ${tail}`;
    case "fact":
      return `${file} holds the ${keywords[0] ?? "data"} for ${keywords[1] ?? "the report"}; ${tail}`;
  }
}

function hex(random: () => number, length: number): string {
  let text = "";
  while (text.length < length) text += Math.floor(random() * 16).toString(16);
  return text;
}
