// A finished cycle as the journal tells it: the goals with their verdicts, each step in a few words, the checks, notes and what was learned.
import type { StepRecord } from "../cycle/act-loop.js";
import type { JournalEntry } from "../memory/journal.js";
import { describeSensors } from "../sense/read-sensors.js";
import { firstLine } from "../text/first-line.js";
import { outcomeStatus, type CycleOutcome } from "./cycle-outcome.js";
import { describeCycleTokens, summarizeCycleTokens } from "./cycle-tokens.js";

/** The journal entry of `outcome` (rendered and capped by `renderJournalEntry`). */
export function buildJournalEntry(outcome: CycleOutcome): JournalEntry {
  return {
    cycle: outcome.cycle,
    startedAt: outcome.startedAt,
    durationMs: outcome.durationMs,
    status: outcomeStatus(outcome),
    ...(outcome.failure !== undefined ? { reason: outcome.failure } : {}),
    goals: outcome.due.map((goal, index) => ({ id: goal.id, title: goal.title, ...outcome.verdicts[index] })),
    steps: outcome.steps.map((step) => ({
      step: step.step,
      tool: step.tool,
      argsSummary: summarizeArgs(step.args),
      ok: step.ok,
      detail: describeStepForJournal(step),
    })),
    checks: outcome.checks.map((check) => ({ goal: check.goal, passed: check.passed, detail: check.detail })),
    notes: [...outcome.notes, ...outcome.inbox.map((message) => `read inbox message ${message.file}`)],
    ...(outcome.summary !== undefined ? { summary: outcome.summary } : {}),
    learned: outcome.learned.map((delta) => `${delta.id} ${delta.change}: ${delta.reason}`),
    sensors: describeSensors(outcome.sensors),
    tokens: describeCycleTokens(summarizeCycleTokens(outcome.steps)),
  };
}

function summarizeArgs(args: Record<string, unknown>): string {
  const text = JSON.stringify(args);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A step's outcome in the journal, said to be a skill's replay or a mask's retest when it was one (no model chose it). */
function describeStepForJournal(step: StepRecord): string {
  const outcome = step.ok
    ? firstLine(step.output) || "ok"
    : `${step.error ?? "failed"}${step.detail !== undefined ? `: ${step.detail}` : ""}`;
  const how =
    step.replay !== undefined
      ? `replaying ${step.replay}: `
      : step.retest === true
        ? "retest of a masked command: "
        : "";
  return `${how}${outcome}`;
}
