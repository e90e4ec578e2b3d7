// Prunes a cycle's steps to a skill: only steps that could have contributed stay, and each kept step whose value cannot be shown from what it changed is marked doubtful; pure.
import { toolFacts } from "../tools/registry.js";
import type { ActionKey, Skill } from "./types.js";

/** What pruning reads of one executed step (a `StepRecord` fits). */
export interface PrunableStep {
  /** The step's number in its cycle, 1-based. */
  step: number;
  tool: string;
  args: Record<string, unknown>;
  ok: boolean;
  /** Absent when the model's output did not validate: nothing ran. */
  action?: ActionKey;
  /** The workspace differed after the step. */
  changedWorld?: boolean;
  /** Workspace-relative paths the step added, removed or changed; absent when that is not known. */
  changedPaths?: string[];
  /** The paths a file tool worked on, as it normalized them. */
  touched?: string[];
}

/** A skill's steps as pruning leaves them. */
export interface PrunedSkillSteps {
  steps: Skill["steps"];
  /** 0-based indices into `steps` of the doubtful steps, ascending: a leaner replay without each is worth a try. */
  doubtful: number[];
  /** One line saying which steps were dropped and why, and which kept ones are doubtful; `""` when none. */
  summary: string;
}

/**
 * The steps worth replaying, in the order they ran:
 * - dropped: steps that failed or changed nothing; a step whose every changed path a later successful `write_file`
 *   replaced, with no `run` between them (a command may have read the file first; a later append replaces nothing);
 *   an exact repeat of a kept step (same tool and arguments), the first one keeping its place before what needs it.
 * - doubtful: a kept step whose changed paths are all known and none is named by `check` (the goal's check command).
 *   A step with unknown changed paths is never doubtful, nor is any step when `check` is undefined or expands names
 *   (`*`, `?`, `[…]`, `$`, backquotes): then it cannot be known.
 */
export function pruneSkillSteps(records: readonly PrunableStep[], check?: string): PrunedSkillSteps {
  const acted = records.filter((record) => record.action !== undefined && toolFacts(record.tool).effect);
  const failed = acted.filter((record) => !record.ok);
  const unchanged = acted.filter((record) => record.ok && record.changedWorld !== true);
  const effective = acted.filter((record) => record.ok && record.changedWorld === true);
  const overwritten: string[] = [];
  const survivors = effective.filter((record, index) => {
    const by = overwriterOf(effective, index);
    if (by !== undefined) overwritten.push(`s${record.step} (overwritten by s${by.step})`);
    return by === undefined;
  });
  const repeats: string[] = [];
  const kept: PrunableStep[] = [];
  for (const record of survivors) {
    const args = JSON.stringify(record.args);
    const earlier = kept.find((candidate) => candidate.tool === record.tool && JSON.stringify(candidate.args) === args);
    if (earlier !== undefined) repeats.push(`s${record.step} (repeats s${earlier.step})`);
    else kept.push(record);
  }
  const doubtful = findDoubtful(kept, check);
  const dropped = [
    ...(failed.length > 0 ? [`${stepList(failed)} (failed)`] : []),
    ...(unchanged.length > 0 ? [`${stepList(unchanged)} (changed nothing)`] : []),
    ...overwritten,
    ...repeats,
  ];
  const doubts = doubtful.map((index) => {
    const record = kept[index] as PrunableStep;
    return `step ${index + 1} (${describeStep(record)}) changed only ${(record.changedPaths ?? []).join(", ")}, which the check does not name`;
  });
  const summary = [
    ...(dropped.length > 0 ? [`dropped ${dropped.join(", ")}`] : []),
    ...(doubts.length > 0 ? [`doubtful: ${doubts.join("; ")}`] : []),
  ].join("; ");
  return {
    steps: kept.map((record) => ({ tool: record.tool, args: structuredClone(record.args) })),
    doubtful,
    summary,
  };
}

/** A short form of a skill step for history lines: `run touch-log`, `write_file notes.txt`. */
export function describeStep(step: { tool: string; args: Record<string, unknown> }): string {
  if (step.tool === "run" && typeof step.args["command"] === "string") {
    const argv = Array.isArray(step.args["args"]) ? step.args["args"].map((arg) => String(arg)) : [];
    return [step.tool, step.args["command"], ...argv].join(" ");
  }
  return typeof step.args["path"] === "string" ? `${step.tool} ${step.args["path"]}` : step.tool;
}

/**
 * The later step that replaced every path `effective[index]` changed, or undefined: for each path, the first later
 * `write_file` of that path (or of a file beneath it, which recreates the folder), with no other tool than the file
 * tools between, since a command may have read the path before it was replaced.
 */
function overwriterOf(effective: readonly PrunableStep[], index: number): PrunableStep | undefined {
  const paths = effective[index]?.changedPaths;
  if (paths === undefined || paths.length === 0) return undefined;
  let last: PrunableStep | undefined;
  for (const changed of paths) {
    const by = replacerOf(effective, index, changed);
    if (by === undefined) return undefined;
    if (last === undefined || by.step > last.step) last = by;
  }
  return last;
}

function replacerOf(effective: readonly PrunableStep[], index: number, changed: string): PrunableStep | undefined {
  for (const later of effective.slice(index + 1)) {
    if (later.tool !== "write_file" && later.tool !== "append_file") return undefined;
    const target = targetOf(later);
    if (later.tool === "write_file" && target !== undefined && (target === changed || target.startsWith(`${changed}/`)))
      return later;
  }
  return undefined;
}

/**
 * Kept steps (0-based) that changed only known paths the check does not name. A later step that reads such a path
 * would make it needed, but no read is known: a command's reads cannot be, and the file tools read nothing but the
 * file an append extends, which is the path it changes too, so named or not alike. A doubtful step goes to the retest.
 */
function findDoubtful(kept: readonly PrunableStep[], check: string | undefined): number[] {
  if (check === undefined || !namesAreKnowable(check)) return [];
  const doubtful: number[] = [];
  kept.forEach((record, index) => {
    const paths = record.changedPaths;
    if (paths !== undefined && paths.length > 0 && !paths.some((changed) => checkNamesPath(check, changed)))
      doubtful.push(index);
  });
  return doubtful;
}

/** A check that expands names (globs, variables, command substitution) may read files it does not name. */
function namesAreKnowable(check: string): boolean {
  return !/[*?$`]|\[[^\s[]/.test(check);
}

/** `check` names `changed` or its last name as a whole word of path characters (`out/r.txt` names `r.txt` and `out`). */
export function checkNamesPath(check: string, changed: string): boolean {
  const base = changed.slice(changed.lastIndexOf("/") + 1);
  return [changed, base].some((name) =>
    new RegExp(`(^|[^A-Za-z0-9._-])${escapeRegExp(name)}($|[^A-Za-z0-9._-])`).test(check),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function targetOf(record: PrunableStep): string | undefined {
  const touched = record.touched?.[0];
  if (touched !== undefined) return touched;
  return typeof record.args["path"] === "string" ? record.args["path"] : undefined;
}

function stepList(records: readonly PrunableStep[]): string {
  return records.map((record) => `s${record.step}`).join(", ");
}
