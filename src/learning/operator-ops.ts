// The operator's changes to lessons (pin, retire, forget): one pure function applies them, whether the CLI writes db.json itself or the daemon takes the request from its inbox.
import * as v from "valibot";
import { describeSchemaIssue } from "../validation/describe-schema-issue.js";
import { plainObject } from "../validation/plain-object.js";
import { addLesson, recordLessonChange, retireLesson, type ChangeContext } from "./citation-rules.js";
import type { LearningData, LearningDelta } from "./types.js";

/** What the operator can do to a lesson. */
export const LESSON_OP_KINDS = ["pin", "retire", "forget"] as const;
export type LessonOpKind = (typeof LESSON_OP_KINDS)[number];

/** One request, as `apprentice lessons pin|retire|forget` writes it to `inbox/*.lesson-op.json` (less its version). */
export type LessonOp = Omit<v.InferOutput<typeof lessonOpSchema>, "version">;

/** The reason every operator retirement carries. */
export const OPERATOR_RETIRE_REASON = "retired by the operator";

/** How a request turned out: applied with its delta, or refused with a reason fit for the operator. */
export type LessonOpResult =
  | { status: "applied"; delta: LearningDelta }
  | { status: "unchanged"; reason: string }
  | { status: "unknown-id"; reason: string };

// An object first, so that a list in the file is called what it is rather than an object missing `op`.
const lessonOpSchema = v.pipe(
  plainObject,
  v.strictObject({
    /** File format version. Defaults to `1`. */
    version: v.optional(v.literal(1), 1),
    op: v.picklist(LESSON_OP_KINDS),
    /** Lesson id, e.g. `L3`. */
    id: v.pipe(v.string(), v.regex(/^L\d{1,9}$/, 'a lesson id such as "L3"')),
  }),
);

/**
 * Applies one request to `data` in place. Pin sets status `pinned`; retire uses {@link retireLesson}; both add a
 * history change with a reason. Forget deletes the lesson (its id is never reused), so only the returned delta and
 * the journal remember it. Pinning a retired lesson brings it back, pinned.
 */
export function applyLessonOp(data: LearningData, request: LessonOp, ctx: ChangeContext): LessonOpResult {
  const index = data.lessons.findIndex((lesson) => lesson.id === request.id);
  const lesson = data.lessons[index];
  if (lesson === undefined) return { status: "unknown-id", reason: `there is no lesson ${request.id}` };
  switch (request.op) {
    case "pin": {
      if (lesson.status === "pinned") return { status: "unchanged", reason: `${lesson.id} is already pinned` };
      const reason = `pinned by the operator (was ${lesson.status})`;
      lesson.status = "pinned";
      recordLessonChange(lesson, "pinned", reason, ctx);
      return { status: "applied", delta: { id: lesson.id, change: "pinned", reason } };
    }
    case "retire":
      if (lesson.status === "retired") return { status: "unchanged", reason: `${lesson.id} is already retired` };
      return { status: "applied", delta: retireLesson(lesson, OPERATOR_RETIRE_REASON, ctx) };
    case "forget":
      data.lessons.splice(index, 1);
      return {
        status: "applied",
        delta: {
          id: lesson.id,
          change: "forgotten",
          reason: `forgotten by the operator (was ${lesson.status}: ${oneLine(lesson.text, 80)})`,
        },
      };
  }
}

/**
 * Stores an operator's lesson (`apprentice teach`) as a pinned, trusted, untainted fact that applies everywhere.
 * `from` names where it came from (an inbox file, or the command line) and becomes its evidence. Whitespace runs are
 * collapsed; an empty text stores nothing and returns undefined.
 */
export function teachLesson(
  data: LearningData,
  text: string,
  from: string,
  ctx: ChangeContext,
): { delta: LearningDelta; text: string } | undefined {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length === 0) return undefined;
  const { delta } = addLesson(
    data,
    {
      text: clean,
      kind: "fact",
      scope: { keywords: [] },
      source: "operator",
      tainted: false,
      status: "pinned",
      evidence: [from],
      reason: `taught by the operator (${from})`,
    },
    ctx,
  );
  return { delta, text: clean };
}

/** Parses the text of a `*.lesson-op.json` file; a bad file is an outcome with a reason naming the field, not a throw. */
export function parseLessonOp(text: string): { ok: true; request: LessonOp } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${oneLine((error as Error).message, 120)})` };
  }
  const result = v.safeParse(lessonOpSchema, raw);
  if (!result.success)
    return {
      ok: false,
      reason: `${describeSchemaIssue(result.issues[0])} (expected {"op":"pin"|"retire"|"forget","id":"L3"})`,
    };
  return { ok: true, request: { op: result.output.op, id: result.output.id } };
}

/** The file content for a request: one JSON object with `version`, `op` and `id`, ending in a newline. */
export function formatLessonOp(request: LessonOp): string {
  return `${JSON.stringify({ version: 1, op: request.op, id: request.id })}\n`;
}

/** One line saying what a request did, for the journal and the CLI, e.g. `L3 pinned: pinned by the operator (was trusted)`. */
export function describeLessonOpResult(request: LessonOp, result: LessonOpResult): string {
  return result.status === "applied"
    ? `${result.delta.id} ${result.delta.change}: ${result.delta.reason}`
    : `${request.op} ${request.id} not applied: ${result.reason}`;
}

function oneLine(text: string, maxChars: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}
