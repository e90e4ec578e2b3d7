// Formats cycle results and progress for people (stderr progress, stdout result) and for scripts (--json).
import type { CycleResult } from "../cycle/cycle-result.js";
import { CycleEvents, type CycleEvent } from "../events/cycle-events.js";
import { describeEvent } from "../events/describe-event.js";
import { briefEvent } from "../events/event-feed.js";
import { countGoalsMet, describeVerdict } from "../cycle/goal-verdicts.js";
import { toOneLine } from "../text/safe-text.js";
import { describeCycleTokens } from "../record/cycle-tokens.js";

/** Events the progress lines leave out: a decision (its step's line follows) and a cycle's end (the result says it). */
const QUIET: ReadonlySet<CycleEvent["type"]> = new Set(["step-decided", "cycle-recorded", "cycle-skipped"]);

/** The progress line of `event` (see `describeEvent`), or `undefined` for one the progress leaves out. */
export function formatProgress(event: CycleEvent): string | undefined {
  return QUIET.has(event.type) ? undefined : describeEvent(briefEvent(event, ""));
}

/** A new event stream with one listener: it writes each event's progress line with `write` (stderr, or the log). */
export function progressEvents(write: (line: string) => void): CycleEvents {
  const events = new CycleEvents();
  events.subscribe((event) => {
    const line = formatProgress(event);
    if (line !== undefined) write(line);
  });
  return events;
}

/** The result as a short human summary. */
export function formatResult(result: CycleResult): string {
  switch (result.status) {
    case "ran": {
      const checks =
        result.checks.map((check) => `${check.goal} ${check.passed ? "passed" : "failed"}`).join(", ") || "no checks";
      return [
        `Cycle ${result.cycle} ran in ${(result.durationMs / 1000).toFixed(1)} s: ${result.steps} steps (${result.failedSteps} failed); ${checks}.`,
        ...(result.goals.length > 0
          ? [`Goals: ${countGoalsMet(result.goals) ?? ""}: ${result.goals.map(describeVerdict).join(", ")}.`]
          : []),
        // The model's summary, steered by world text: one line, so it cannot add lines that read as the result's own.
        ...(result.summary !== undefined ? [`Summary: ${toOneLine(result.summary)}`] : []),
        ...(result.tokens !== undefined ? [`Tokens: ${describeCycleTokens(result.tokens ?? undefined)}`] : []),
        `Journal: ${result.journalFile}`,
      ].join("\n");
    }
    case "skipped":
      return `Cycle skipped (${result.reason}): ${result.detail}.`;
    case "failed":
      return `Cycle ${result.cycle !== undefined ? `${result.cycle} ` : ""}failed: ${result.reason}`;
    case "stopped":
      return `Cycle ${result.cycle} stopped: ${result.reason}`;
  }
}
