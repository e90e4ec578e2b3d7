// Each due goal's verdict for a cycle and the "N of M goals met" summary: pure, from the pre-checks, what the act loop saw and the final checks.
import type { GoalVerdict } from "../memory/db.js";
import type { ServedGoal } from "./serve-goals.js";

export type { GoalVerdict };

export interface VerdictInput {
  /** Every goal due at the cycle's start, in serving order, met by its pre-check or not. */
  due: ReadonlyArray<{ id: string; check?: string }>;
  preChecks: ReadonlyArray<{ goal: string; passed: boolean }>;
  /** What the act loop saw of the goals it served. */
  served: readonly ServedGoal[];
  /** The checks at the cycle's end; empty for a stopped cycle. */
  finalChecks: ReadonlyArray<{ goal: string; passed: boolean }>;
}

/**
 * The verdict of each due goal, in `due`'s order. The final check decides a goal the cycle worked on, whatever the
 * loop saw before (another goal's later steps may have undone it); a goal met by the loop but never checked at the end
 * (a stopped cycle) keeps the loop's word, which was a check too.
 */
export function judgeGoals(input: VerdictInput): GoalVerdict[] {
  return input.due.map((goal) => {
    if (input.preChecks.some((check) => check.goal === goal.id && check.passed))
      return { id: goal.id, verdict: "met", by: "pre-check" };
    if (goal.check === undefined) return { id: goal.id, verdict: "unchecked" };
    const seen = input.served.find((each) => each.id === goal.id)?.metBy;
    const final = input.finalChecks.find((check) => check.goal === goal.id);
    if (final === undefined)
      return seen !== undefined ? { id: goal.id, verdict: "met", by: seen } : { id: goal.id, verdict: "unchecked" };
    return final.passed ? { id: goal.id, verdict: "met", by: seen ?? "steps" } : { id: goal.id, verdict: "unmet" };
  });
}

/** `1 of 2 goals met`, with `, 1 unchecked` when some could not be judged; undefined with no due goal. */
export function countGoalsMet(verdicts: readonly GoalVerdict[]): string | undefined {
  if (verdicts.length === 0) return undefined;
  const met = verdicts.filter((verdict) => verdict.verdict === "met").length;
  const unchecked = verdicts.filter((verdict) => verdict.verdict === "unchecked").length;
  return `${met} of ${verdicts.length} ${verdicts.length === 1 ? "goal" : "goals"} met${unchecked > 0 ? `, ${unchecked} unchecked` : ""}`;
}

/**
 * Whether the cycle met its goals: every due goal that could be judged was met (goals without a check are left out,
 * not counted as met); undefined when none could be judged.
 */
export function allGoalsMet(verdicts: readonly GoalVerdict[]): boolean | undefined {
  const judged = verdicts.filter((verdict) => verdict.verdict !== "unchecked");
  return judged.length === 0 ? undefined : judged.every((verdict) => verdict.verdict === "met");
}

/** One verdict in words: `report met by replay`, `backup unmet`, `tidy unchecked`. */
export function describeVerdict(verdict: GoalVerdict): string {
  return `${verdict.id} ${verdict.verdict}${verdict.by !== undefined ? ` by ${verdict.by}` : ""}`;
}

/**
 * The cycle's summary: the goals' count ({@link countGoalsMet}) first, then the model's own `finish` words, labelled
 * as the model's (they are a claim, the count is the world's verdict); just the model's words with no due goal.
 */
export function summarizeCycle(
  verdicts: readonly GoalVerdict[],
  finishSummaries: ReadonlyArray<{ goal?: string; text: string }>,
): string | undefined {
  // The model's words as it wrote them (each place that shows them makes them one line); blank ones are left out.
  const said = finishSummaries.filter((each) => each.text.trim() !== "");
  const words =
    said.length > 1
      ? said.map((each) => `${each.goal !== undefined ? `${each.goal}: ` : ""}${each.text}`).join("; ")
      : said[0]?.text;
  const count = countGoalsMet(verdicts);
  if (count === undefined) return finishSummaries.length > 0 ? (words ?? "") : undefined;
  return words !== undefined ? `${count}; the model said: ${words}` : count;
}
