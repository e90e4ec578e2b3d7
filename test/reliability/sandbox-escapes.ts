// Reliability property "sandbox-escapes": every hostile tool call in the corpus is refused (or stays inert, or is capped) and nothing outside the workspace changes; the command-option class runs in bubblewrap with 0 escapes, and again bare (sandbox.mode "none") where each case must escape.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { findProgram } from "../../src/tools/run-command.js";
import { describeSandboxStatus, probeSandbox } from "../../src/tools/sandbox-probe.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import type { ToolOutcome } from "../../src/tools/tool.js";
import { killPids, waitForMarkedProcesses } from "../support/marked-processes.js";
import type { PropertyResult, ReliabilityProperty } from "./property.js";
import { buildCommandCases } from "./sandbox-escapes-command-cases.js";
import { buildFileCases } from "./sandbox-escapes-file-cases.js";
import { buildOptionCases } from "./sandbox-escapes-option-cases.js";
import {
  describeOutcome,
  diffSnapshots,
  findTokenLitter,
  makeEscapeFixture,
  removeEscapeFixture,
  snapshotOutside,
  type EscapeCase,
  type EscapeFixture,
} from "./sandbox-escapes-fixture.js";

/** Daemon secrets planted in this process's env for the run; no child may ever print them. */
const SECRET_VARIABLES = ["APPRENTICE_SECRET", "AWS_SECRET_ACCESS_KEY"] as const;

/** Races make this many calls each: enough to interleave with hundreds of swaps, still well under a second. */
const RACE_ROUNDS = { quick: 60, full: 200 };

export const property: ReliabilityProperty = {
  name: "sandbox-escapes",
  async run({ quick, seed }): Promise<PropertyResult> {
    // The sandbox is required: without it the command cases would only show that the argument rules are not a boundary.
    const sandbox = await probeSandbox();
    if (!sandbox.available)
      return { ok: false, figures: "not run", failures: [`${describeSandboxStatus(sandbox)}: install bubblewrap`] };
    const token = `t${seed.toString(36)}x${randomBytes(4).toString("hex")}`;
    const optionCases = buildOptionCases();
    const cases = shuffle(
      [...buildFileCases(quick ? RACE_ROUNDS.quick : RACE_ROUNDS.full), ...buildCommandCases(), ...optionCases],
      seed,
    );
    const secrets = SECRET_VARIABLES.map((name) => `${name.toLowerCase()}-value-${token}`);
    const saved = SECRET_VARIABLES.map((name) => process.env[name]);
    SECRET_VARIABLES.forEach((name, index) => (process.env[name] = secrets[index]));
    try {
      const tally = await attemptAll(cases, token, secrets);
      const bare = await attemptBare(optionCases, token, secrets);
      const categories = [...tally.perCategory]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([category, count]) => `${category} ${count}`)
        .join(", ");
      const skippedText =
        tally.skipped > 0 ? `, ${tally.skipped} skipped (missing: ${[...tally.missing].join(", ")})` : "";
      const options = `command options: ${tally.optionEscapes} of ${bare.attempts} escape in bwrap, ${bare.escapes} of ${bare.attempts} with sandbox.mode "none"`;
      return {
        ok: tally.failures.length === 0 && bare.failures.length === 0,
        figures: `${tally.attempts} attempts (${categories}), ${tally.escapes} escapes, ${tally.touched} touched outside${skippedText}; ${options}`,
        failures: [...tally.failures, ...bare.failures],
      };
    } finally {
      SECRET_VARIABLES.forEach((name, index) => {
        const value = saved[index];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      });
    }
  },
};

/** What the corpus run found. */
interface Tally {
  attempts: number;
  escapes: number;
  touched: number;
  skipped: number;
  /** Command-option cases with any problem (escape or touch). */
  optionEscapes: number;
  perCategory: Map<string, number>;
  missing: Set<string>;
  failures: string[];
}

/** Runs every case as configured (in the sandbox: the tool context's default) and tallies what came of it. */
async function attemptAll(cases: readonly EscapeCase[], token: string, secrets: readonly string[]): Promise<Tally> {
  const tally: Tally = {
    attempts: 0,
    escapes: 0,
    touched: 0,
    skipped: 0,
    optionEscapes: 0,
    perCategory: new Map(),
    missing: new Set(),
    failures: [],
  };
  for (const escapeCase of cases) {
    const absent = await findMissingPrograms(escapeCase.needs ?? []);
    if (absent.length > 0) {
      absent.forEach((name) => tally.missing.add(name));
      tally.skipped++;
      continue;
    }
    tally.attempts++;
    tally.perCategory.set(escapeCase.category, (tally.perCategory.get(escapeCase.category) ?? 0) + 1);
    const result = await attemptCase(escapeCase, token, secrets);
    const id = `${escapeCase.category}/${escapeCase.name}`;
    if (result.escape.length > 0) {
      tally.escapes++;
      tally.failures.push(`${id}: ${result.escape.join("; ")}`);
    }
    if (result.outside.length > 0) {
      tally.touched++;
      tally.failures.push(`${id}: touched outside: ${result.outside.join("; ")}`);
    }
    if (escapeCase.category === "command-options" && result.escape.length + result.outside.length > 0)
      tally.optionEscapes++;
  }
  return tally;
}

/**
 * Runs the command-option cases again with sandbox.mode "none" (the code before the sandbox, behind the argument
 * rules only): each must escape there, or it proves nothing about the sandbox.
 */
async function attemptBare(
  cases: readonly EscapeCase[],
  token: string,
  secrets: readonly string[],
): Promise<{ attempts: number; escapes: number; failures: string[] }> {
  let attempts = 0;
  let escapes = 0;
  const failures: string[] = [];
  for (const escapeCase of cases) {
    if ((await findMissingPrograms(escapeCase.needs ?? [])).length > 0) continue;
    attempts++;
    const bare: EscapeCase = {
      ...escapeCase,
      context: { ...escapeCase.context, sandbox: { ...DEFAULT_SANDBOX_SETTINGS, mode: "none" } },
    };
    const result = await attemptCase(bare, token, secrets);
    if (result.escape.length + result.outside.length > 0) escapes++;
    else
      failures.push(
        `${escapeCase.category}/${escapeCase.name}: did not escape with sandbox.mode "none", so it proves nothing`,
      );
  }
  return { attempts, escapes, failures };
}

/** Runs one case in a fresh fixture: problems with the outcome itself (`escape`) and changes outside (`outside`). */
async function attemptCase(
  escapeCase: EscapeCase,
  token: string,
  secrets: readonly string[],
): Promise<{ escape: string[]; outside: string[] }> {
  const fixture = await makeEscapeFixture(token, escapeCase.context);
  const escape: string[] = [];
  const outside: string[] = [];
  try {
    await escapeCase.setup?.(fixture);
    const before = await snapshotOutside(fixture);
    let outcome: ToolOutcome | undefined;
    try {
      outcome = await escapeCase.attempt(fixture);
    } catch (error) {
      escape.push(`the tool threw instead of returning {ok:false}: ${String(error)}`);
    }
    if (outcome !== undefined) {
      escape.push(...judgeOutcome(escapeCase, fixture, outcome, secrets));
      if (escapeCase.verify !== undefined) escape.push(...(await escapeCase.verify(fixture, outcome)));
    }
    // Pids a sandboxed command prints are its own namespace's: what outlived the run is found by the fixture's mark.
    const survivors = await waitForMarkedProcesses(fixture.processMark, 500);
    killPids(survivors);
    if (survivors.length > 0) escape.push(`processes outlived the run: ${survivors.join(", ")}`);
    outside.push(...diffSnapshots(before, await snapshotOutside(fixture)));
    const litter = await findTokenLitter(token);
    outside.push(...litter.map((entry) => `${entry} created`));
    // Clear it so later cases are judged on their own.
    await Promise.all(litter.map((entry) => rm(entry, { recursive: true, force: true })));
  } finally {
    await removeEscapeFixture(fixture);
  }
  return { escape, outside };
}

/** The checks every case gets: the expected kind of ending, and no canary, system or env secret in what came back. */
function judgeOutcome(
  escapeCase: EscapeCase,
  fixture: EscapeFixture,
  outcome: ToolOutcome,
  secrets: readonly string[],
): string[] {
  const problems: string[] = [];
  const text = describeOutcome(outcome);
  if (escapeCase.expect === "refused") {
    if (outcome.ok) problems.push(`expected a refusal, got ok: ${outcome.output.slice(0, 200)}`);
    else if (escapeCase.reason !== undefined && !escapeCase.reason.test(outcome.error)) {
      problems.push(`refused for the wrong reason: "${outcome.error}" does not match ${String(escapeCase.reason)}`);
    }
  }
  for (const leak of [fixture.secret, "root:x:0:0", ...secrets]) {
    if (text.includes(leak)) problems.push(`the outcome shows ${JSON.stringify(leak)}`);
  }
  return problems;
}

/** Names in `programs` that `run` could not find (the case would prove nothing without them). */
async function findMissingPrograms(programs: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of programs) if (!(await findProgram(name)).ok) missing.push(name);
  return missing;
}

/** A seeded Fisher-Yates shuffle (mulberry32), so a failure that depends on order can be replayed by seed. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}
