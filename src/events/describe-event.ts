// One line of plain text per cycle event, for people: the CLI's progress lines, the daemon's log, `log --follow` and the status page; world text in it (errors, goal names, summaries) is shown on one line with its controls made visible.
import { toOneLine } from "../text/safe-text.js";
import type { FeedLine } from "./event-feed.js";

/** What `event` says, on one line: `cycle 12: step 3 run ok in 40 ms`. */
export function describeEvent(event: FeedLine): string {
  const one = (value: string): string => toOneLine(value, 100);
  switch (event.type) {
    case "cycle-began":
      return `cycle ${event.cycle}: began`;
    case "model-loaded":
      return `cycle ${event.cycle}: model loaded in ${event.loadMs} ms`;
    case "step-decided":
      return `cycle ${event.cycle}: step ${event.step}: the model chose ${one(event.tool)}${event.goal !== undefined ? ` for ${one(event.goal)}` : ""}`;
    case "tool-done": {
      const how = event.how !== undefined ? ` (${event.how})` : "";
      const detail = event.ok ? "" : ` (${one(event.error ?? "")})`;
      return `cycle ${event.cycle}: step ${event.step} ${one(event.tool)}${how} ${event.ok ? "ok" : "FAILED"} in ${event.durationMs} ms${detail}`;
    }
    case "check-done":
      return `${event.beforeCycle ? "before a cycle" : `cycle ${event.cycle}`}: check of ${one(event.goal)} ${event.passed ? "passed" : `failed (${one(event.detail)})`}`;
    case "lesson-changed":
      return `cycle ${event.cycle}: ${one(event.id)} ${one(event.change)}: ${one(event.reason)}`;
    case "model-unloaded":
      return `cycle ${event.cycle}: model unloaded`;
    case "cycle-recorded":
      return `cycle ${event.cycle}: recorded as ${one(event.status)} after ${(event.durationMs / 1000).toFixed(1)} s${event.summary !== undefined ? `: ${one(event.summary)}` : ""}`;
    case "cycle-skipped":
      return `cycle skipped (${one(event.reason)}): ${one(event.detail)}`;
  }
}
