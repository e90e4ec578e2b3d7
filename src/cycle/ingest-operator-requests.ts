// Applies the operator's requests from operator/ (lessons taught, lesson changes) at every wake, without the model;
// only what the operator channel vouches for is applied, and a refused file is moved aside so it never wakes again.
import { mkdir } from "node:fs/promises";
import { renderLessonsMarkdown } from "../learning/lessons-markdown.js";
import { applyLessonOp, describeLessonOpResult, parseLessonOp, teachLesson } from "../learning/operator-ops.js";
import type { Logger } from "../log.js";
import { writeDb, type DbData, type StateDb } from "../memory/db.js";
import { replaceFile } from "../memory/durable-write.js";
import { appendToJournalDay, renderJournalListItem } from "../memory/journal.js";
import {
  currentEuid,
  moveOperatorFiles,
  moveOperatorFilesAs,
  planOperatorMoves,
  readOperatorRequests,
  type OperatorRequest,
} from "../memory/operator-channel.js";
import type { StatePaths } from "../memory/state-paths.js";
import { toOneLine } from "../text/safe-text.js";

/** What {@link ingestOperatorRequests} touches. */
export interface IngestDeps {
  paths: StatePaths;
  db: StateDb;
  clock: () => Date;
  logger: Logger;
  /** The uid whose files are believed. Defaults to this process's effective uid. */
  euid?: number;
}

/**
 * Stores each `*.lesson.md` as a pinned operator lesson and applies each `*.lesson-op.json` (pin, retire, forget),
 * then writes the db (its lessons' files), lessons.md and an `Operator lessons` journal note, and only then moves the files to
 * `operator/.processed/`: a crash in between applies them again at the next wake, which changes nothing (pin, retire
 * and forget end as they did; a lesson already taught from the same file is not taught twice). A request that is not
 * valid JSON or changes nothing is archived too, with its reason in the journal. Files the channel refuses go to
 * `operator/.refused/` with a warning; when the folder itself cannot be trusted nothing in it is touched and one
 * warning says what to fix. A missing operator/ is created (0700).
 */
export async function ingestOperatorRequests(deps: IngestDeps): Promise<void> {
  const { db, paths, logger } = deps;
  const read = await readOperatorRequests(paths, deps.euid ?? currentEuid());
  if (read.status === "missing") {
    await mkdir(paths.operator, { recursive: true, mode: 0o700 });
    return;
  }
  if (read.status === "unusable") {
    logger.warn(
      `operator channel refused: ${read.refusal.detail}; nothing in operator/ is applied until it is fixed: ${read.refusal.fix}`,
    );
    return;
  }
  const now = deps.clock();
  const lines: string[] = [];
  for (const { file, reason } of read.refused) {
    logger.warn(`operator/${toOneLine(file, 200)}: refused, not applied: ${reason}; moved to operator/.refused/`);
    lines.push(`- refused operator/${toOneLine(file, 200)}: ${reason}`);
  }
  await moveOperatorFiles(
    paths.operator,
    paths.operatorRefused,
    read.refused.map((refused) => refused.file),
    "",
  );
  const ctx = { cycle: db.data.cycle.count, now };
  // Where each request will be archived, known before it is applied: a taught lesson's evidence names that file.
  const moves = await planOperatorMoves(
    paths.operatorProcessed,
    read.requests.map((request) => request.file),
    `c${db.data.cycle.count}-`,
  );
  read.requests.forEach((request, index) => {
    const archived = `operator/.processed/${moves[index]?.as ?? request.file}`;
    const line = applyRequest(db.data, request, archived, ctx, logger);
    if (line !== undefined) lines.push(line);
  });
  if (lines.length === 0 && read.requests.length === 0) return;
  if (read.requests.length > 0) {
    await writeDb(db);
    await replaceFile(paths.lessons, renderLessonsMarkdown(db.data.learning, now, db.data.cycle.count));
  }
  await appendOperatorLessonsNote(paths.journal, lines, now, (message) => logger.warn(message));
  await moveOperatorFilesAs(paths.operator, paths.operatorProcessed, moves);
  if (read.requests.length > 0) logger.info(`took ${read.requests.length} operator request(s) from operator/`);
}

/**
 * Applies one request to `data` in place; returns its journal line. `archived` is where the request's file is moved
 * next (`operator/.processed/…`), the evidence of a lesson it teaches.
 */
function applyRequest(
  data: DbData,
  request: OperatorRequest,
  archived: string,
  ctx: { cycle: number; now: Date },
  logger: Logger,
): string | undefined {
  const from = `operator/${request.file}`;
  const shown = toOneLine(from, 200);
  if (request.kind === "lesson") {
    // Applied before a crash cut off the archive: the lesson is there already.
    const earlier = data.learning.lessons.find(
      (lesson) =>
        lesson.source === "operator" && lesson.evidence.some((named) => namesRequest(named, request.file, ctx.cycle)),
    );
    if (earlier !== undefined) return `- ${earlier.id} already taught from ${shown}`;
    const taught = teachLesson(data.learning, request.text, archived, ctx);
    if (taught === undefined) {
      logger.warn(`${shown}: empty lesson, archived unused`);
      return `- empty lesson not stored (${shown})`;
    }
    return `- ${taught.delta.id} ${taught.delta.change}: ${toOneLine(taught.delta.reason, 300)}: ${toOneLine(taught.text, 200)}`;
  }
  const parsed = parseLessonOp(request.text);
  if (!parsed.ok) {
    logger.warn(`${shown}: lesson change not applied: ${toOneLine(parsed.reason, 300)}`);
    return `- lesson change not applied: ${toOneLine(parsed.reason, 300)} (${shown})`;
  }
  const result = applyLessonOp(data.learning, parsed.request, ctx);
  const line = toOneLine(describeLessonOpResult(parsed.request, result), 300);
  if (result.status !== "applied") logger.warn(`${shown}: ${line}`);
  return `- ${line} (${shown})`;
}

/**
 * Appends a `## Operator lessons — HH:MM` section with `lines` (Markdown list items; a leading `- ` is optional) to
 * today's journal file; the CLI uses it too when it changes lessons itself. Nothing is written for no lines. Each line
 * is rendered as a journal list item: one line, controls shown, capped, so a file name or lesson text in it can never
 * start a heading (a fake `## Cycle` entry) or drive a terminal.
 */
export async function appendOperatorLessonsNote(
  journalDir: string,
  lines: readonly string[],
  now: Date,
  warn?: (message: string) => void,
): Promise<void> {
  if (lines.length === 0) return;
  const time = `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  const items = lines.map((line) => renderJournalListItem(line.replace(/^- /, "")));
  await appendToJournalDay(
    journalDir,
    now,
    `\n## Operator lessons — ${time}\n\n${items.join("\n")}\n`,
    () => now,
    warn,
  );
}

/**
 * Whether a lesson's evidence `named` is the request `file`: its archive from this wake's cycle count `cycle`
 * (`operator/.processed/c<cycle>-[<k>-]<file>`, under whichever free name it got), or, in a lesson taught before the
 * archive was its evidence, the file as it waited (`operator/<file>`).
 */
function namesRequest(named: string, file: string, cycle: number): boolean {
  if (named === `operator/${file}`) return true;
  const prefix = `operator/.processed/c${cycle}-`;
  if (named.length < prefix.length + file.length || !named.startsWith(prefix) || !named.endsWith(file)) return false;
  return /^(\d+-)?$/.test(named.slice(prefix.length, named.length - file.length));
}
