// Corrupt and hostile state: each case primes a fresh state dir with a real cycle (a lesson, a cycle record, episodes, a
// journal entry), then truncates, empties, garbles, bloats or replaces one state file, or plants a symlink, FIFO, socket
// or oversized file, and runs the real `apprentice once` twice as a child process, each under a deadline. Asserted per
// case: the output names the file; an unusable file is moved aside as `<file>.corrupt-<ts>` holding its bytes; neither
// start crashes (no stack trace, no signal, no timeout, the exit code the README gives) and the second behaves like the
// first; nothing outside the file is lost (the primed cycle record, lesson, episodes and journal, the operator's files)
// and nothing is written through a symlink.
import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { lstat, readdir, readFile, rename, symlink, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { formatLocalDate } from "../../src/memory/journal.js";
import { startCli } from "../support/cli-process.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";
import type { PropertyResult, ReliabilityProperty } from "./property.js";
import { seededRandom } from "./seeded-random.js";

const FULL_BIG_BYTES = 50 * 1024 * 1024;
const QUICK_BIG_BYTES = 2 * 1024 * 1024;
const HUGE_INBOX_BYTES = 20 * 1024 * 1024;
const RUN_DEADLINE_MS = 90_000;
const CANARY_TEXT = "canary: nothing may write here\n";
const PRIME_LESSON = "Prime lesson: keep the notes short.";
const GOAL_YAML =
  "version: 1\ngoals:\n  - id: tidy\n    title: Write ok.txt in the workspace.\n    check: test -f ok.txt\n";
/** Nesting depth of the JSON and YAML bombs. */
const BOMB_DEPTH = 200_000;

interface CaseContext {
  dir: string;
  canary: string;
  random: () => number;
  bigBytes: number;
  /** Servers to close after the runs (a live unix socket in the state dir). */
  servers: Server[];
}

interface HostileCase {
  name: string;
  /** The state-relative file the case aims at; the output must name it (or `names`). */
  target: string;
  names?: string;
  /** The file cannot be used and must be moved aside as `<target>.corrupt-<ts>`, holding the planted bytes. */
  quarantine?: boolean;
  /** The exit code both runs must give. Defaults to `0`. */
  exit?: number;
  /** A cycle needs the model (the goal is made due), so the act loop, recall and journal run too. */
  work?: boolean;
  /** Runs instead of the first `once` (e.g. `teach`); its arguments after the state option. */
  firstArgs?: (context: CaseContext) => string[];
  plant(context: CaseContext): Promise<void>;
}

const today = (): string => `journal/${formatLocalDate(new Date())}.md`;

function jsonBomb(): string {
  return `${"[".repeat(BOMB_DEPTH)}${"]".repeat(BOMB_DEPTH)}`;
}

/** The file's current text with a deeply nested value added under `bomb` (still valid JSON, every field intact). */
async function withBomb(file: string): Promise<string> {
  const text = (await readFile(file, "utf8")).trimEnd();
  return `${text.slice(0, -1)},"bomb":${jsonBomb()}}\n`;
}

async function plantBig(file: string, context: CaseContext): Promise<void> {
  // A valid start, then garbage: a reader that trusts the first bytes still meets the rest.
  const head = Buffer.from((await readFile(file).catch(() => Buffer.alloc(0))).subarray(0, 64));
  await writeFile(file, Buffer.concat([head, randomBytesSeeded(context.random, context.bigBytes - head.length)]));
}

function randomBytesSeeded(random: () => number, length: number): Buffer {
  // Seeded where it matters (small files); a big file's bytes only need to be garbage.
  if (length > 65_536) return randomBytes(length);
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) bytes[index] = Math.floor(random() * 256);
  return bytes;
}

async function truncateHalf(file: string): Promise<void> {
  const size = (await lstat(file)).size;
  await truncate(file, Math.max(1, Math.floor(size / 2)));
}

/** The six garbage variants for one file: truncated, empty, random bytes, wrong shape, a bomb, a big one. */
function garbageCases(
  target: string,
  options: {
    wrongShape: string;
    quarantine: boolean;
    exit?: number;
    prepare?: (context: CaseContext) => Promise<void>;
    bomb?: (file: string) => Promise<string>;
  },
): HostileCase[] {
  const at = (context: CaseContext): string => path.join(context.dir, target);
  const prepare = async (context: CaseContext): Promise<void> => {
    if (options.prepare) await options.prepare(context);
  };
  const common = {
    target,
    quarantine: options.quarantine,
    ...(options.exit !== undefined ? { exit: options.exit } : {}),
  };
  return [
    { name: `${target} truncated`, ...common, plant: async (c) => (await prepare(c), truncateHalf(at(c))) },
    { name: `${target} empty`, ...common, plant: async (c) => (await prepare(c), writeFile(at(c), "")) },
    {
      name: `${target} random bytes`,
      ...common,
      plant: async (c) => (await prepare(c), writeFile(at(c), randomBytesSeeded(c.random, 4096))),
    },
    {
      name: `${target} wrong shape`,
      ...common,
      plant: async (c) => (await prepare(c), writeFile(at(c), options.wrongShape)),
    },
    {
      name: `${target} nesting bomb`,
      ...common,
      plant: async (c) => (await prepare(c), writeFile(at(c), options.bomb ? await options.bomb(at(c)) : jsonBomb())),
    },
    { name: `${target} big garbage`, ...common, plant: async (c) => (await prepare(c), plantBig(at(c), c)) },
  ];
}

const CYCLE_MARKER = '{"version":1,"inProgress":{"cycle":2,"startedAt":"2026-01-01T00:00:00.000Z","pid":999999}}\n';

const CASES: HostileCase[] = [
  ...garbageCases("db.json", {
    wrongShape: '{"version":3,"cycle":"many","cycles":{}}\n',
    quarantine: true,
    bomb: withBomb,
  }),
  ...garbageCases("lessons.json", { wrongShape: "null\n", quarantine: true, bomb: withBomb }),
  ...garbageCases("cycle.json", {
    wrongShape: '{"version":1,"inProgress":null}\n',
    quarantine: true,
    prepare: (c) => writeFile(path.join(c.dir, "cycle.json"), CYCLE_MARKER),
    bomb: async () => `{"version":1,"inProgress":${jsonBomb()}}\n`,
  }),
  // The operator's file is never moved, whatever it holds: the refusal names it (and the line and column of a JSON error).
  ...garbageCases("config.json", { wrongShape: '["model","path"]\n', quarantine: false, exit: 2, bomb: withBomb }),
  ...garbageCases("goals.yaml", {
    wrongShape: "goals: 42\n",
    quarantine: false,
    exit: 2,
    bomb: async () => jsonBomb(),
  }).map((hostile) =>
    // Cut or emptied, the operator's file still parses (fewer goals): a warning, and the cycle goes on.
    /truncated|empty/.test(hostile.name) ? { ...hostile, exit: 0 } : hostile,
  ),
  ...garbageCases("episodes.jsonl", {
    wrongShape: '{"v":1}\n[1,2,3]\n"text"\n',
    quarantine: false,
    bomb: async () => `${jsonBomb()}\n`,
  }).map((hostile) =>
    // The log is append-only: bad lines are skipped where it is read and a torn tail is cut off and saved, never moved aside whole.
    ({
      ...hostile,
      names: "episodes",
      quarantine: false,
      ...(/truncated|random|big/.test(hostile.name) ? { names: "episodes.jsonl" } : {}),
    }),
  ),
  {
    name: "lessons.json with a 1 MB lesson",
    target: "lessons.json",
    quarantine: true,
    plant: async (c) => {
      const file = path.join(c.dir, "lessons.json");
      await writeFile(
        file,
        (await readFile(file, "utf8")).replace(PRIME_LESSON, `${PRIME_LESSON} ${"very long ".repeat(104_858)}`),
      );
    },
  },
  {
    // Refused whole (never cut into a lesson) and moved to operator/.refused/, so it cannot wake the daemon again.
    name: "operator/ .lesson.md of 1 MB",
    target: "operator/big.lesson.md",
    plant: (c) =>
      writeFile(path.join(c.dir, "operator", "big.lesson.md"), `Remember this. ${"x".repeat(1024 * 1024)}\n`, {
        mode: 0o600,
      }),
  },
  {
    name: "apprentice teach of 100 KB (argv holds at most 128 KB)",
    target: "teach",
    names: "characters",
    exit: 2,
    firstArgs: () => ["teach", "y".repeat(100 * 1024)],
    plant: async () => undefined,
  },
  {
    name: "db.json version 99",
    target: "db.json",
    quarantine: true,
    plant: (c) => replaceInFile(path.join(c.dir, "db.json"), '"version": 3', '"version": 99'),
  },
  {
    // A crash in the middle of an append: the whole lines count, the torn one is dropped with a warning.
    name: "lessons-changes.jsonl with a torn last line",
    target: "lessons-changes.jsonl",
    plant: (c) =>
      writeFile(path.join(c.dir, "lessons-changes.jsonl"), '{"generation":1,"nextLessonId":2,"set":[{"id":"L9","te'),
  },
  {
    name: "lessons-changes.jsonl with a garbage line",
    target: "lessons-changes.jsonl",
    quarantine: true,
    plant: (c) => writeFile(path.join(c.dir, "lessons-changes.jsonl"), "not a change\n"),
  },
  {
    name: "lessons.json version 99",
    target: "lessons.json",
    quarantine: true,
    plant: (c) => replaceInFile(path.join(c.dir, "lessons.json"), '"version":1', '"version":99'),
  },
  {
    name: "config.json version 2",
    target: "config.json",
    exit: 2,
    plant: (c) => replaceInFile(path.join(c.dir, "config.json"), '"version": 1', '"version": 2'),
  },
  {
    name: "symlink in workspace/",
    target: "workspace/link.txt",
    work: true,
    plant: (c) => symlink(c.canary, path.join(c.dir, "workspace", "link.txt")),
  },
  {
    name: "symlink in inbox/",
    target: "inbox/link.md",
    plant: (c) => symlink(c.canary, path.join(c.dir, "inbox", "link.md")),
  },
  {
    name: "symlink in journal/ (an older day)",
    target: "journal/2020-01-01.md",
    work: true,
    plant: (c) => symlink(c.canary, path.join(c.dir, "journal", "2020-01-01.md")),
  },
  {
    name: "journal/<today>.md is a symlink outside",
    target: "today",
    quarantine: true,
    work: true,
    plant: async (c) => {
      await rename(path.join(c.dir, today()), path.join(c.dir, "journal", "primed-today.md.bak"));
      await symlink(c.canary, path.join(c.dir, today()));
    },
  },
  {
    name: "FIFO in workspace/",
    target: "workspace/pipe",
    work: true,
    plant: (c) => mkfifo(path.join(c.dir, "workspace", "pipe")),
  },
  { name: "FIFO in inbox/", target: "inbox/pipe.md", plant: (c) => mkfifo(path.join(c.dir, "inbox", "pipe.md")) },
  {
    name: "FIFO as an operator/ request",
    target: "operator/pipe.lesson.md",
    plant: (c) => mkfifo(path.join(c.dir, "operator", "pipe.lesson.md")),
  },
  {
    name: "symlink as an operator/ request",
    target: "operator/link.lesson.md",
    plant: (c) => symlink(c.canary, path.join(c.dir, "operator", "link.lesson.md")),
  },
  {
    name: "/dev/zero link in inbox/",
    target: "inbox/zero.md",
    plant: (c) => symlink("/dev/zero", path.join(c.dir, "inbox", "zero.md")),
  },
  {
    name: "socket in workspace/",
    target: "workspace/sock",
    work: true,
    plant: (c) => listenSocket(c, path.join(c.dir, "workspace", "sock")),
  },
  {
    name: "socket in inbox/",
    target: "inbox/sock.md",
    plant: (c) => listenSocket(c, path.join(c.dir, "inbox", "sock.md")),
  },
  {
    name: "inbox file of 20 MB",
    target: "inbox/huge.md",
    plant: (c) => writeFile(path.join(c.dir, "inbox", "huge.md"), Buffer.alloc(HUGE_INBOX_BYTES, "a")),
  },
  {
    name: "binary inbox file",
    target: "inbox/binary.md",
    plant: (c) => writeFile(path.join(c.dir, "inbox", "binary.md"), randomBytesSeeded(c.random, 2048)),
  },
  {
    name: "invalid UTF-8 inbox file",
    target: "inbox/latin1.md",
    plant: (c) =>
      writeFile(
        path.join(c.dir, "inbox", "latin1.md"),
        Buffer.from("Caf\xe9 cr\xe8me \xff\xfe please list eggs\n", "latin1"),
      ),
  },
];

async function replaceInFile(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} holds no ${from}`);
  await writeFile(file, text.replace(from, to));
}

async function mkfifo(file: string): Promise<void> {
  execFileSync("mkfifo", [file]);
}

async function listenSocket(context: CaseContext, file: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(file, resolve);
  });
  context.servers.push(server);
}

/** What one run of the CLI gave. */
interface RunOutcome {
  code: number | string;
  output: string;
  timedOut: boolean;
}

async function runWithDeadline(args: string[]): Promise<RunOutcome> {
  const run = startCli(args, { APPRENTICE_LOG: "info" });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    run.child.kill("SIGKILL");
  }, RUN_DEADLINE_MS);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, output: run.output(), timedOut };
}

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/** Primes a state dir with one real cycle (scripted brain): a cycle record, a taught lesson, episodes, a journal entry. */
async function primeStateDir(): Promise<{ dir: string; parent: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: GOAL_YAML,
    operator: { "0-prime.lesson.md": `${PRIME_LESSON}\n` },
  });
  const logger = createMemoryLogger();
  const clock = (): Date => new Date();
  const state = await openState(dir, { logger, clock });
  try {
    // The taught lesson is recalled, so the grammar asks for a `cite`.
    const brain = new ScriptedBrain([
      '{"thought":"write it","cite":[],"tool":"write_file","args":{"path":"ok.txt","content":"ok\\n"}}',
      '{"thought":"done","cite":[],"tool":"finish","args":{"summary":"wrote ok.txt"}}',
    ]);
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock }));
    if (result.status !== "ran") throw new Error(`priming cycle did not run: ${JSON.stringify(result)}`);
  } finally {
    await state.close();
  }
  return { dir, parent: path.dirname(dir), cleanup };
}

/** Every file under `dir` (not .history/ or the lock) with its sha256, by relative path. */
async function snapshotFiles(dir: string, prefix = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (relative === ".history" || relative === "daemon.lock" || relative === "models") continue;
    if (entry.isDirectory()) for (const [name, hash] of await snapshotFiles(dir, relative)) files.set(name, hash);
    else if (entry.isFile()) files.set(relative, hashOf(await readFile(path.join(dir, relative))));
  }
  return files;
}

function hashOf(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** What must survive the case: the primed record, lesson, episodes and journal, and the operator's files. */
async function checkNothingLost(
  hostile: HostileCase,
  dir: string,
  before: Map<string, string>,
  primed: Map<string, Buffer>,
): Promise<string[]> {
  const lost: string[] = [];
  const target = hostile.target === "today" ? today() : hostile.target;
  const exempt = (file: string): boolean =>
    file === target || (target.startsWith("journal/") && file.startsWith("journal/"));
  if (!exempt("db.json")) {
    const db = JSON.parse(await readFile(path.join(dir, "db.json"), "utf8").catch(() => "{}")) as {
      cycles?: Array<{ cycle: number; status: string }>;
    };
    if (!db.cycles?.some((record) => record.cycle === 1 && record.status === "ran"))
      lost.push("db.json lost the primed cycle 1 record");
  }
  if (!exempt("lessons.json") && !hostile.name.includes("1 MB lesson")) {
    const lessons = await readFile(path.join(dir, "lessons.json"), "utf8").catch(() => "");
    if (!lessons.includes(PRIME_LESSON)) lost.push("lessons.json lost the primed lesson");
  }
  for (const [file, bytes] of primed) {
    if (exempt(file)) continue;
    const now = await readFile(path.join(dir, file)).catch(() => undefined);
    // Append-only files may only grow.
    if (now === undefined || !now.subarray(0, bytes.length).equals(bytes))
      lost.push(`${file} lost what it held before`);
  }
  for (const file of ["charter.md", "goals.yaml", "config.json", "workspace/ok.txt"]) {
    if (exempt(file)) continue;
    const now = await readFile(path.join(dir, file)).catch(() => undefined);
    if (now === undefined || hashOf(now) !== before.get(file)) lost.push(`${file} changed or vanished`);
  }
  return lost;
}

/** The `<target>.corrupt-*` files beside the target. */
async function findQuarantined(dir: string, target: string): Promise<string[]> {
  const folder = path.join(dir, path.dirname(target));
  const names = await readdir(folder).catch(() => [] as string[]);
  return names
    .filter((name) => name.startsWith(`${path.basename(target)}.corrupt-`))
    .map((name) => path.join(folder, name));
}

export const property: ReliabilityProperty = {
  name: "hostile-state",
  async run({ quick, seed }): Promise<PropertyResult> {
    const failures: string[] = [];
    const counts = { named: 0, quarantined: 0, crashes: 0, losses: 0, cases: 0 };
    for (const [index, hostile] of CASES.entries()) {
      counts.cases += 1;
      const { dir, parent, cleanup } = await primeStateDir();
      const context: CaseContext = {
        dir,
        canary: path.join(parent, "canary.txt"),
        random: seededRandom(seed * 1000 + index),
        bigBytes: quick ? QUICK_BIG_BYTES : FULL_BIG_BYTES,
        servers: [],
      };
      const fail = (what: string): void => {
        failures.push(`${hostile.name}: ${what}`);
      };
      try {
        await writeFile(context.canary, CANARY_TEXT);
        // A goal never worked on is due, so the model runs: the act loop, recall and the journal meet what was planted.
        if (hostile.work === true)
          await writeFile(
            path.join(dir, "goals.yaml"),
            `${GOAL_YAML}  - id: fresh\n    title: Write fresh.txt.\n    check: test -f fresh.txt\n`,
          );
        const before = await snapshotFiles(dir);
        const primed = new Map<string, Buffer>();
        for (const file of ["episodes.jsonl", ...[...before.keys()].filter((name) => name.startsWith("journal/"))])
          primed.set(file, await readFile(path.join(dir, file)));
        await hostile.plant(context);
        const target = hostile.target === "today" ? today() : hostile.target;
        // Only a regular file is read: opening a planted FIFO would block the harness itself.
        const plantedInfo = await lstat(path.join(dir, target)).catch(() => undefined);
        const plantedHash = plantedInfo?.isFile() === true ? hashOf(await readFile(path.join(dir, target))) : undefined;
        const expectedExit = hostile.exit ?? 0;
        const runs: RunOutcome[] = [];
        runs.push(
          await runWithDeadline([...(hostile.firstArgs ? hostile.firstArgs(context) : ["once"]), "--state", dir]),
        );
        runs.push(await runWithDeadline(["once", "--state", dir]));
        let crashed = false;
        runs.forEach((run, runIndex) => {
          const which = runIndex === 0 ? "first run" : "second run";
          const wantExit = runIndex === 0 || !hostile.firstArgs ? expectedExit : 0;
          let problem: string | undefined;
          if (run.timedOut) problem = `${which} blocked past ${RUN_DEADLINE_MS / 1000} s`;
          else if (STACK_LINE.test(run.output))
            problem = `${which} printed a stack trace:\n${run.output.slice(0, 1500)}`;
          else if (run.code !== wantExit)
            problem = `${which} exited ${run.code}, expected ${wantExit}:\n${run.output.slice(0, 800)}`;
          if (problem === undefined) return;
          crashed = true;
          fail(problem);
        });
        if (crashed) counts.crashes += 1;
        const named = hostile.names ?? target;
        if (runs[0]?.output.includes(named)) counts.named += 1;
        else fail(`the first run's output does not name ${named}:\n${runs[0]?.output.slice(0, 800)}`);
        const quarantined = await findQuarantined(dir, target);
        if (hostile.quarantine === true) {
          const hashes = await Promise.all(
            quarantined.map(async (file) => hashOf(await readFile(file).catch(() => Buffer.alloc(0)))),
          );
          const isLink = await Promise.all(quarantined.map(async (file) => (await lstat(file)).isSymbolicLink()));
          if (quarantined.length === 0) fail(`${target} was not moved aside`);
          else if (!hashes.includes(plantedHash ?? "") && !isLink.includes(true))
            fail(`${target}.corrupt-* does not hold the planted bytes`);
          else counts.quarantined += 1;
          if (quarantined.length > 1) fail(`${target} was moved aside ${quarantined.length} times (once per start)`);
        } else if (quarantined.length > 0)
          fail(`${target} was moved aside, but it was usable: ${quarantined.join(", ")}`);
        if ((await readFile(context.canary, "utf8")) !== CANARY_TEXT)
          fail("the canary outside the state dir was written through a symlink");
        const lost = await checkNothingLost(hostile, dir, before, primed);
        if (lost.length > 0) counts.losses += 1;
        for (const what of lost) fail(what);
      } catch (error) {
        fail(`the harness failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        for (const server of context.servers) server.close();
        await cleanup();
      }
    }
    const figures = `${counts.cases} cases: ${counts.named} named the file, ${counts.quarantined} quarantined, ${counts.crashes} crashes, ${counts.losses} losses`;
    return { ok: failures.length === 0, figures, failures };
  },
};
