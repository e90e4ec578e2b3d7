// What changed between two configs, setting by setting, and how a running daemon applies each: the one table of which settings apply from the next cycle, which re-arm the schedule, and which wait for a restart.
import type { Config } from "./config.js";
import { readConfigReference, readDottedKey } from "./config-reference.js";
import { toOneLine } from "./text/safe-text.js";

/**
 * How a running daemon applies a changed setting:
 * - `next-cycle`: every cycle reads the config it starts with, so the change holds from the next cycle on;
 * - `reschedule`: the scheduler takes it at once (the cron timer is re-armed; the debounce holds for the next change);
 * - `restart`: it is read only when the daemon starts, so it takes effect at the next start.
 */
export type ConfigApply = "next-cycle" | "reschedule" | "restart";

/** Settings that are not simply read by the next cycle; every other setting is `next-cycle`. */
const APPLIED_OTHERWISE: Readonly<Record<string, ConfigApply>> = {
  "schedule.cron": "reschedule",
  "schedule.debounceMs": "reschedule",
  "schedule.catchUp": "restart",
};

/** How a running daemon applies a change of the setting `key` (a dotted path such as `limits.maxSteps`). */
export function findHowApplied(key: string): ConfigApply {
  return APPLIED_OTHERWISE[key] ?? "next-cycle";
}

/**
 * One sentence on how a running daemon applies a saved config.json, read off the table above: for `apprentice config`
 * and the daemon's help.
 */
export function describeHowSettingsApply(): string {
  const keysApplied = (how: ConfigApply): string =>
    Object.keys(APPLIED_OTHERWISE)
      .filter((key) => APPLIED_OTHERWISE[key] === how)
      .join(" and ");
  return (
    `A running daemon reads config.json again when it is saved: ${keysApplied("reschedule")} apply at once, ` +
    `${keysApplied("restart")} at its next start, every other setting from its next cycle; an edit it cannot use is ` +
    "logged and told in outbox/, and it runs on the last good config."
  );
}

/** One changed setting: its dotted key, the values before and after (`undefined` when unset), and how it applies. */
export interface ConfigChange {
  key: string;
  before: unknown;
  after: unknown;
  applies: ConfigApply;
}

/** The settings of the schema, read once: their keys are what a diff compares. */
let settingKeys: string[] | undefined;

/** The settings whose values differ between `before` and `after`, in the schema's order. */
export function listConfigChanges(before: Config, after: Config): ConfigChange[] {
  settingKeys ??= readConfigReference().settings.map((setting) => setting.key);
  const changes: ConfigChange[] = [];
  for (const key of settingKeys) {
    const was = readDottedKey(before, key).value;
    const now = readDottedKey(after, key).value;
    if (JSON.stringify(was) !== JSON.stringify(now))
      changes.push({ key, before: was, after: now, applies: findHowApplied(key) });
  }
  return changes;
}

/** `limits.maxSteps 6 → 8, schedule.cron "*\/30 * * * *" → "*\/5 * * * *"`: values as JSON, each cut to 60 characters. */
export function formatConfigChanges(changes: readonly ConfigChange[]): string {
  return changes
    .map((change) => `${change.key} ${formatValue(change.before)} → ${formatValue(change.after)}`)
    .join(", ");
}

function formatValue(value: unknown): string {
  return value === undefined ? "unset" : toOneLine(JSON.stringify(value), 60);
}
