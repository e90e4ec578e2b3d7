// Formats cycle results and progress for people (stderr progress, stdout result) and for scripts (--json).
import type { CycleProgress, CycleResult } from "../cycle/cycle-result.js";
import { countGoalsMet, describeVerdict } from "../cycle/goal-verdicts.js";
import { toOneLine } from "../text/safe-text.js";

/** One progress line per event, for stderr. */
export function formatProgress(event: CycleProgress): string {
  switch (event.kind) {
    case "model-loaded":
      return `cycle ${event.cycle}: model loaded in ${event.loadMs} ms`;
    case "step": {
      const { record } = event;
      const mark = record.ok ? "ok" : "FAILED";
      const detail = record.ok ? "" : ` (${toOneLine(record.error ?? "", 100)})`;
      return `cycle ${event.cycle}: step ${record.step} ${record.tool} ${mark} in ${record.durationMs} ms${detail}`;
    }
    case "model-unloaded":
      return `cycle ${event.cycle}: model unloaded`;
  }
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
        `Journal: ${result.journalFile}`,
      ].join("\n");
    }
    case "skipped":
      return `Cycle skipped (${result.reason}): ${result.detail}.`;
    case "failed":
      return `Cycle ${result.cycle !== undefined ? `${result.cycle} ` : ""}failed: ${result.reason}`;
  }
}
