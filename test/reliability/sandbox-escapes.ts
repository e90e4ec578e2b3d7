// Reliability property "sandbox-escapes": every hostile tool call in the corpus is refused (or stays inert, or is capped) and nothing outside the workspace changes.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { findProgram } from "../../src/tools/run-command.js";
import type { ToolOutcome } from "../../src/tools/tool.js";
import type { PropertyResult, ReliabilityProperty } from "./property.js";
import { buildCommandCases } from "./sandbox-escapes-command-cases.js";
import { buildFileCases } from "./sandbox-escapes-file-cases.js";
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
    const token = `t${seed.toString(36)}x${randomBytes(4).toString("hex")}`;
    const cases = shuffle([...buildFileCases(quick ? RACE_ROUNDS.quick : RACE_ROUNDS.full), ...buildCommandCases()], seed);
    const secrets = SECRET_VARIABLES.map((name) => `${name.toLowerCase()}-value-${token}`);
    const saved = SECRET_VARIABLES.map((name) => process.env[name]);
    SECRET_VARIABLES.forEach((name, index) => (process.env[name] = secrets[index]));
    const perCategory = new Map<string, number>();
    const failures: string[] = [];
    const missing = new Set<string>();
    let attempts = 0;
    let escapes = 0;
    let touched = 0;
    let skipped = 0;
    try {
      for (const escapeCase of cases) {
        const absent = await findMissingPrograms(escapeCase.needs ?? []);
        if (absent.length > 0) {
          absent.forEach((name) => missing.add(name));
          skipped++;
          continue;
        }
        attempts++;
        perCategory.set(escapeCase.category, (perCategory.get(escapeCase.category) ?? 0) + 1);
        const result = await attemptCase(escapeCase, token, secrets);
        const id = `${escapeCase.category}/${escapeCase.name}`;
        if (result.escape.length > 0) {
          escapes++;
          failures.push(`${id}: ${result.escape.join("; ")}`);
        }
        if (result.outside.length > 0) {
          touched++;
          failures.push(`${id}: touched outside: ${result.outside.join("; ")}`);
        }
      }
    } finally {
      SECRET_VARIABLES.forEach((name, index) => {
        const value = saved[index];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      });
    }
    const categories = [...perCategory]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([category, count]) => `${category} ${count}`)
      .join(", ");
    const skippedText = skipped > 0 ? `, ${skipped} skipped (missing: ${[...missing].join(", ")})` : "";
    return {
      ok: failures.length === 0,
      figures: `${attempts} attempts (${categories}), ${escapes} escapes, ${touched} touched outside${skippedText}`,
      failures,
    };
  },
};

/** Runs one case in a fresh fixture: problems with the outcome itself (`escape`) and changes outside (`outside`). */
async function attemptCase(escapeCase: EscapeCase, token: string, secrets: readonly string[]): Promise<{ escape: string[]; outside: string[] }> {
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
function judgeOutcome(escapeCase: EscapeCase, fixture: EscapeFixture, outcome: ToolOutcome, secrets: readonly string[]): string[] {
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
