// `apprentice lessons list|show|pin|retire|forget`: inspect lessons, and steer them while keeping one writer: a running daemon gets the change through operator/.
import type { Command } from "commander";
import { describeAction } from "../learning/action-key.js";
import {
  applyLessonOp,
  describeLessonOpResult,
  formatLessonOp,
  LESSON_OP_KINDS,
  type LessonOp,
  type LessonOpKind,
  type LessonOpResult,
} from "../learning/operator-ops.js";
import type { Lesson, LessonStatus } from "../learning/types.js";
import { readEpisodes, type EpisodeLine } from "../memory/episodes.js";
import { OPERATOR_OP_SUFFIX } from "../memory/operator-channel.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { writeLessonsUnlessDaemon } from "./operator-write.js";
import { queueOperatorRequest } from "./queue-operator-request.js";
import { formatTime, loadDb, requireStateDir } from "./read-state.js";
import { printErr, printJson, printOut } from "./terminal-output.js";
import { toOneLine } from "../text/safe-text.js";

const STATUSES: readonly LessonStatus[] = ["provisional", "trusted", "pinned", "retired"];

const OP_HELP: Record<LessonOpKind, string> = {
  pin: "pin a lesson: trusted, recalled in every cycle, never dropped automatically",
  retire: "retire a lesson: kept in lessons.json and lessons.md for the record, no longer recalled or masking",
  forget: "delete a lesson from lessons.json (its id is not reused; the journal keeps a note)",
};

/** What `lessons show --json` prints: the lesson, and each evidence id with its episode when it is one. */
export interface LessonDetail {
  lesson: Lesson;
  evidence: Array<{ id: string; episode: EpisodeLine | null }>;
}

/** How a change request ended, as `lessons pin|retire|forget --json` prints it. */
export type LessonOpOutcome =
  | { status: "applied"; op: LessonOpKind; id: string; change: string; reason: string }
  | { status: "queued"; op: LessonOpKind; id: string; file: string; holderPid?: number }
  | { status: "unchanged"; op: LessonOpKind; id: string; reason: string };

export function registerLessonsCommands(program: Command): void {
  const lessons = program
    .command("lessons")
    .description("inspect lessons and steer them: list, show, pin, retire, forget");
  lessons
    .command("list")
    .description("list lessons: id, status, kind, source, helpful/harmful counts and text (reads only)")
    .option("--status <status>", `only lessons with this status (${STATUSES.join(", ")})`)
    .option("--json", "print the lessons as one JSON array")
    .action(async (options: { status?: string; json?: boolean }, command: Command) => {
      process.exitCode = await listLessons(createCliContext(command), options).catch(reportError);
    });
  lessons
    .command("show <id>")
    .description("show one lesson with its history and its evidence episodes from episodes.jsonl (reads only)")
    .option("--json", "print the lesson and its evidence as one JSON object")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      process.exitCode = await showLesson(createCliContext(command), id, options.json === true).catch(reportError);
    });
  for (const op of LESSON_OP_KINDS) {
    lessons
      .command(`${op} <id>`)
      .description(
        `${OP_HELP[op]}; a running daemon applies it from operator/ within seconds (run it as the daemon's user)`,
      )
      .option("--json", "print the outcome as one JSON object")
      .action(async (id: string, options: { json?: boolean }, command: Command) => {
        process.exitCode = await changeLesson(createCliContext(command), { op, id }, options.json === true).catch(
          reportError,
        );
      });
  }
}

async function listLessons(context: CliContext, options: { status?: string; json?: boolean }): Promise<number> {
  const status = options.status;
  if (status !== undefined && !STATUSES.includes(status as LessonStatus)) {
    printErr(`apprentice: --status must be one of ${STATUSES.join(", ")}, not "${status}"\n`);
    return EXIT.usage;
  }
  const paths = await requireStateDir(context.options.state);
  const lessons = (await loadDb(paths)).data.learning.lessons.filter(
    (lesson) => status === undefined || lesson.status === status,
  );
  if (options.json === true) printJson(lessons);
  else if (lessons.length === 0) printOut(`No ${status ?? ""}${status !== undefined ? " " : ""}lessons.\n`);
  else {
    const idWidth = Math.max(2, ...lessons.map((lesson) => lesson.id.length));
    const row = (cells: readonly string[]): string =>
      `${cells[0]?.padEnd(idWidth)}  ${cells[1]?.padEnd(11)}  ${cells[2]?.padEnd(9)}  ${cells[3]?.padEnd(8)}  ${cells[4]?.padEnd(7)}  ${cells[5]}\n`;
    printOut(row(["id", "status", "kind", "source", "+/-", "text"]));
    for (const lesson of lessons) {
      printOut(
        row([
          lesson.id,
          lesson.status,
          lesson.kind,
          lesson.source,
          `+${lesson.helpful}/-${lesson.harmful}`,
          toOneLine(lesson.text.trim(), 100),
        ]),
      );
    }
  }
  return EXIT.ok;
}

async function showLesson(context: CliContext, id: string, json: boolean): Promise<number> {
  const paths = await requireStateDir(context.options.state);
  const lesson = (await loadDb(paths)).data.learning.lessons.find((candidate) => candidate.id === id);
  if (lesson === undefined) return reportUnknownLesson(id);
  const byId = new Map<string, EpisodeLine>();
  // Later lines win: after a fresh db the cycle numbers, and so the ids, start again, and the lesson cites the new ones.
  for (const record of (await readEpisodes(paths.episodes)).records) byId.set(record.id, record);
  const detail: LessonDetail = {
    lesson,
    evidence: lesson.evidence.map((evidenceId) => ({ id: evidenceId, episode: byId.get(evidenceId) ?? null })),
  };
  if (json) printJson(detail);
  else printOut(formatLesson(detail));
  return EXIT.ok;
}

function formatLesson({ lesson, evidence }: LessonDetail): string {
  const lines = [
    `${lesson.id}: ${lesson.kind}, ${lesson.status}, ${lesson.source}${lesson.tainted ? ", tainted (learned from world content)" : ""}`,
    `  ${toOneLine(lesson.text.trim(), 300)}`,
    `  scope: ${[lesson.scope.goal !== undefined ? `goal ${toOneLine(lesson.scope.goal, 80)}` : "", lesson.action !== undefined ? `action ${toOneLine(describeAction(lesson.action), 120)}` : lesson.scope.tool !== undefined ? `tool ${lesson.scope.tool}` : ""].filter(Boolean).join(", ") || "everywhere"}`,
    `  counts: helpful ${lesson.helpful}, harmful ${lesson.harmful}${lesson.stats !== undefined ? `; recent tries ${lesson.stats.successes} ok, ${lesson.stats.failures} failed` : ""}`,
    `  created: cycle ${lesson.createdCycle} at ${formatTime(lesson.createdAt)}${lesson.lastUsedCycle !== undefined ? `; last cited in cycle ${lesson.lastUsedCycle}` : ""}`,
  ];
  if (lesson.mask !== undefined) {
    lines.push(
      `  mask: through cycle ${lesson.mask.untilCycle} (cooldown ${lesson.mask.cooldownCycles}, failed retests ${lesson.mask.retests}); signature "${toOneLine(lesson.mask.signature, 120)}"`,
    );
  }
  lines.push("History:");
  for (const change of lesson.history)
    lines.push(
      `  cycle ${change.cycle}, ${formatTime(change.at)}: ${change.change}: ${toOneLine(change.reason.trim(), 200)}`,
    );
  lines.push("Evidence:");
  if (evidence.length === 0) lines.push("  none");
  for (const { id, episode } of evidence) {
    if (episode === null) {
      // An evidence id can name a file, which whoever could write there chose.
      lines.push(
        `  ${toOneLine(id, 200)}: not in episodes.jsonl${id.startsWith("operator/") ? " (an operator request file)" : id.startsWith("inbox/") ? " (an inbox file, from before operator/ carried requests)" : ""}`,
      );
      continue;
    }
    const outcome = episode.ok
      ? `ok${episode.output !== undefined ? `: ${toOneLine(episode.output.trim(), 100)}` : ""}`
      : `failed: ${toOneLine(`${episode.error ?? ""}${typeof episode.detail === "string" ? `: ${episode.detail}` : ""}`, 100)}`;
    lines.push(
      `  ${toOneLine(id, 200)}: cycle ${episode.cycle} step ${episode.step}, ${toOneLine(episode.tool, 60)} ${toOneLine(JSON.stringify(episode.args ?? {}), 100)} — ${outcome}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Applies `request` through {@link applyLessonOp}, keeping the daemon the single writer: when the state lock is free
 * this process takes it and writes the db, lessons.md and a journal note itself; when another process holds it, the
 * request goes to `operator/<time>-<pid>.lesson-op.json` for the holder to apply at its next wake (exit 2 when
 * operator/ is not this user's: the daemon would not believe it).
 */
async function changeLesson(context: CliContext, request: LessonOp, json: boolean): Promise<number> {
  const paths = await requireStateDir(context.options.state);
  // Judged on db.json as it is now, so an unknown id or a no-op is refused before anything is written or queued.
  const preview = applyLessonOp(structuredClone((await loadDb(paths)).data.learning), request, {
    cycle: 0,
    now: context.clock(),
  });
  if (preview.status === "unknown-id") return reportUnknownLesson(request.id);
  if (preview.status === "unchanged")
    return printOutcome({ status: "unchanged", ...request, reason: preview.reason }, json);

  const outcome = await writeLessonsUnlessDaemon<LessonOpResult>(
    context,
    paths,
    `Operator: lessons ${request.op} ${request.id}`,
    (db, now) => {
      // Judged again on a fresh read under the lock: a daemon may have written db.json since the preview.
      const result = applyLessonOp(db.data.learning, request, { cycle: db.data.cycle.count, now });
      return result.status === "applied"
        ? {
            changed: true,
            lines: [`- ${describeLessonOpResult(request, result)} (apprentice lessons ${request.op})`],
            value: result,
          }
        : { changed: false, value: result };
    },
  );
  switch (outcome.status) {
    case "error":
      printErr(`apprentice: ${outcome.message}\n`);
      return EXIT.usage;
    case "held": {
      const queued = await queueOperatorRequest(
        paths,
        context.clock(),
        OPERATOR_OP_SUFFIX,
        formatLessonOp(request),
        `lessons ${request.op}`,
      );
      if (!queued.ok) {
        printErr(`apprentice: ${queued.message}\n`);
        return EXIT.usage;
      }
      return printOutcome(
        {
          status: "queued",
          ...request,
          file: queued.file,
          ...(outcome.holderPid !== undefined ? { holderPid: outcome.holderPid } : {}),
        },
        json,
      );
    }
    case "unchanged":
    case "written": {
      const result = outcome.value;
      if (result.status === "unknown-id") return reportUnknownLesson(request.id);
      if (result.status === "unchanged")
        return printOutcome({ status: "unchanged", ...request, reason: result.reason }, json);
      return printOutcome(
        { status: "applied", ...request, change: result.delta.change, reason: result.delta.reason },
        json,
      );
    }
  }
}

function printOutcome(outcome: LessonOpOutcome, json: boolean): number {
  if (json) printJson(outcome);
  else if (outcome.status === "applied")
    printOut(
      `${outcome.id} ${outcome.change}: ${outcome.reason}. lessons.json, lessons.md, the journal and the history are updated.\n`,
    );
  else if (outcome.status === "unchanged") printOut(`Nothing to do: ${outcome.reason}.\n`);
  else {
    const holder = outcome.holderPid !== undefined ? `pid ${outcome.holderPid}` : "another process";
    printOut(
      `The daemon (${holder}) holds the state dir, so the change was queued as ${outcome.file}.\n` +
        "It applies it at its next wake, within seconds (after the current cycle if one is running), and notes it in the journal.\n",
    );
  }
  return EXIT.ok;
}

function reportUnknownLesson(id: string): number {
  printErr(
    `apprentice: there is no lesson ${JSON.stringify(id)}; \`apprentice lessons list\` shows the ids (L1, L2, …)\n`,
  );
  return EXIT.usage;
}
