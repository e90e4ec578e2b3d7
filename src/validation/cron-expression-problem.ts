// Says what is wrong with a node-cron expression, naming the field (`minute field "61" is out of range 0-59`); node-cron
// decides what is valid, this only finds and words the field it refuses.
import { parse } from "node-cron";

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Words the field takes besides numbers, for the message. */
  words?: string;
}

const SECOND: CronField = { name: "second", min: 0, max: 59 };
const FIVE_FIELDS: CronField[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31, words: "L, L-n, nW" },
  { name: "month", min: 1, max: 12, words: "jan-dec" },
  { name: "day-of-week", min: 0, max: 7, words: "sun-sat, nL, n#k" },
];
const NICKNAMES = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly";
const SHAPE = '5 fields (minute hour day-of-month month day-of-week, e.g. "*/30 * * * *"), or 6 with seconds first';

/**
 * Undefined when node-cron accepts `expression`; otherwise what is wrong, naming the field it refuses: `minute field
 * "61" is out of range 0-59`, `has 2 fields; a cron expression has 5 fields (…)`, an unknown `@` nickname, or
 * node-cron's own message when
 * each field is valid alone but not together (`30 2 is an impossible day of month for the given month`).
 */
export function cronExpressionProblem(expression: string): string | undefined {
  const whole = parseProblem(expression);
  if (whole === undefined) return undefined;
  const trimmed = expression.trim();
  if (trimmed.startsWith("@")) return `${JSON.stringify(trimmed)} is not one of node-cron's nicknames: ${NICKNAMES}`;
  const values = trimmed === "" ? [] : trimmed.split(/\s+/);
  if (values.length !== 5 && values.length !== 6) return `has ${values.length} fields; a cron expression has ${SHAPE}`;
  const fields = values.length === 6 ? [SECOND, ...FIVE_FIELDS] : FIVE_FIELDS;
  for (const [index, field] of fields.entries()) {
    const alone = values.map((value, at) => (at === index ? value : "*")).join(" ");
    if (parseProblem(alone) !== undefined) return describeField(field, values[index] ?? "");
  }
  return whole;
}

/** node-cron's message for an expression it refuses, or undefined when it parses. */
function parseProblem(expression: string): string | undefined {
  try {
    parse(expression);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Why node-cron refuses `value` in `field`: a number out of range, a step of 0, or a form the field does not take. */
function describeField(field: CronField, value: string): string {
  const range = `${field.min}-${field.max}`;
  const quoted = JSON.stringify(value);
  for (const part of value.split(",")) {
    const [span = "", step] = part.split("/");
    if (step !== undefined && !/^[1-9]\d*$/.test(step))
      return `${field.name} field ${quoted}: the step ${JSON.stringify(step)} is not a whole number from 1`;
    const outside = span.split("-").find((bound) => /^\d+$/.test(bound) && !inRange(Number(bound), field));
    if (outside !== undefined)
      return value === outside
        ? `${field.name} field ${quoted} is out of range ${range}`
        : `${field.name} field ${quoted}: ${outside} is out of range ${range}`;
  }
  const words = field.words === undefined ? "" : `, ${field.words}`;
  return `${field.name} field ${quoted} is not valid: it takes ${range}${words}, *, ranges a-b, steps */n or a-b/n, and lists a,b`;
}

function inRange(value: number, field: CronField): boolean {
  return value >= field.min && value <= field.max;
}
