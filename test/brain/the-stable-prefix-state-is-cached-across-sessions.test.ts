// The prefix state cache: on the Qwen2.5 stand-in (real tokenizer and chat template) a later session loads the cached
// prefix (charter, tools, lessons, goals, journal) instead of evaluating it, or the part of it a saved state holds when
// the journal has grown or moved, and decides the same at temperature 0; on the quicker test model it writes once per
// prefix, keeps two files, respects its byte cap, and never trusts a damaged or foreign file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Decision, PrefixCacheUse, Prompt } from "../../src/brain/brain.js";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { ensureStandInModel } from "../../src/brain/stand-in-model.js";
import { buildRecallSections } from "../../src/cycle/recall.js";
import { createMemoryLogger } from "../../src/log.js";
import type { JsonSchema } from "../../src/tools/json-schema.js";
import { TEST_CACHE_DIR, testModel } from "../support/state-fixture.js";

const qwen = () => ensureStandInModel("qwen2.5", TEST_CACHE_DIR);
const brain = new LlamaBrain(createMemoryLogger());

const SCHEMA: JsonSchema = {
  type: "object",
  properties: { thought: { type: "string", maxLength: 40 }, tool: { enum: ["write_file", "read_file", "finish"] } },
  required: ["thought", "tool"],
  additionalProperties: false,
};

const JOURNAL = "cycle 1: wrote b.txt";

function prompt(charter: string, journal = JOURNAL): Prompt {
  const sections = buildRecallSections({
    now: new Date(2026, 0, 1, 9, 30),
    sensorsLine: "cpu 40°C, RAM 600 MB free",
    charter,
    dueGoals: [{ id: "g", title: "Write a.txt saying hello", check: "grep -q hello a.txt", priority: 0 }],
    progress: {},
    inbox: [],
    recentJournal: [journal],
    toolLines: ["- write_file: writes a file", "- read_file: reads a file", "- finish: ends the cycle"],
    lessons: "- [L1] read the file before you write it",
    skills: "",
  });
  return { sections, turns: [], request: "Begin: what is your first step?" };
}

const CHARTER = "You keep the workspace tidy and answer the operator briefly. ".repeat(8);

/** Opens a session on `modelPath` (the test model by default), makes `steps` decisions (each step's reply becomes the next step's turn), disposes. */
async function session(
  options: { dir?: string; maxBytes?: number; modelPath?: string; charter?: string; journal?: string },
  steps = 1,
): Promise<Decision[]> {
  const opened = await brain.open({
    modelPath: options.modelPath ?? (await testModel()),
    contextSize: 2048,
    threads: 1,
    temperature: 0,
    seed: 3,
    maxTokensPerStep: 48,
    ...(options.dir !== undefined ? { prefixCache: { dir: options.dir, maxBytes: options.maxBytes ?? 1 << 30 } } : {}),
  });
  assert.ok(opened.ok, opened.ok ? "" : opened.reason);
  const decisions: Decision[] = [];
  const base = prompt(options.charter ?? CHARTER, options.journal);
  try {
    for (let step = 0; step < steps; step++) {
      const turns = decisions.map((decision, index) => ({ request: `step ${index + 1}`, action: decision.raw ?? "" }));
      decisions.push(await opened.session.decide({ ...base, turns, request: `step ${step + 1}` }, SCHEMA));
    }
  } finally {
    await opened.session.dispose();
  }
  return decisions;
}

function cacheUse(decision: Decision | undefined): PrefixCacheUse | undefined {
  return decision?.usage?.prefixCache;
}

async function cacheDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-prefix-cache-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return path.join(dir, "prefix");
}

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

test("a later session loads the cached prefix, or the part a saved state holds, and evaluates only the rest", async (t) => {
  const dir = await cacheDir(t);
  const modelPath = await qwen();
  const [cold] = await session({ dir, modelPath });
  const written = cacheUse(cold);
  assert.equal(written?.outcome, "written");
  assert.ok((written?.prefixTokens ?? 0) >= 64, "the charter, tools and lessons make a prefix worth caching");
  assert.equal(typeof written?.prefixEvalMs, "number");
  // LlamaCompletion's meter counts the prompt's last token with the generation, here as without the cache.
  assert.equal(cold?.usage?.evaluatedPromptTokens, (cold?.usage?.promptTokens ?? 0) - 1, "cold: everything evaluated");

  const [same] = await session({ dir, modelPath });
  const hit = cacheUse(same);
  assert.equal(hit?.outcome, "hit");
  assert.equal(hit?.prefixTokens, written?.prefixTokens);
  assert.equal(hit?.stateFileBytes, written?.stateFileBytes);
  assert.equal(typeof hit?.loadMs, "number");
  assert.equal(
    same?.usage?.evaluatedPromptTokens,
    (same?.usage?.promptTokens ?? 0) - (hit?.prefixTokens ?? 0) - 1,
    "only the tokens after the prefix were evaluated",
  );
  assert.equal((await files(dir)).length, 2, "one state file and its sidecar");
  for (const name of await files(dir))
    assert.equal((await stat(path.join(dir, name))).mode & 0o777, 0o600, `${name} is the daemon's alone`);

  // The journal grew by a line: the saved state holds all but that line's tokens.
  const [grown] = await session({ dir, modelPath, journal: `${JOURNAL}\ncycle 2: read a.txt, it was empty` });
  const extended = cacheUse(grown);
  assert.equal(extended?.outcome, "extended");
  assert.ok((extended?.loadedTokens ?? 0) > (hit?.prefixTokens ?? 0) - 8, "all but the seam of the old prefix loaded");
  assert.ok((extended?.prefixTokens ?? 0) > (hit?.prefixTokens ?? 0));
  assert.equal(
    grown?.usage?.evaluatedPromptTokens,
    (grown?.usage?.promptTokens ?? 0) - (extended?.loadedTokens ?? 0) - 1,
    "the new line and what follows the prefix were evaluated, nothing loaded",
  );
  assert.equal((await files(dir)).length, 4, "the extended prefix was saved beside the old one");

  // The journal's window moved: the saved state is cut back to the goals and the new journal evaluated.
  const [moved] = await session({ dir, modelPath, journal: "cycle 3: wrote a.txt" });
  const cutBack = cacheUse(moved);
  assert.equal(cutBack?.outcome, "extended");
  assert.ok((cutBack?.loadedTokens ?? 0) < (hit?.prefixTokens ?? 0), "the saved state was cut back before its journal");
  assert.equal(
    moved?.usage?.evaluatedPromptTokens,
    (moved?.usage?.promptTokens ?? 0) - (cutBack?.loadedTokens ?? 0) - 1,
  );
  assert.equal((await files(dir)).length, 4, "still two state files: the oldest was removed");
});

test("decisions at temperature 0 are the same with and without the cache, loaded whole, extended or cut back", async (t) => {
  const dir = await cacheDir(t);
  const raw = (decisions: Decision[]) => decisions.map((decision) => decision.raw);
  const modelPath = await qwen();
  const journals = [JOURNAL, JOURNAL, `${JOURNAL}\ncycle 2: read a.txt, it was empty`, "cycle 3: wrote a.txt"];
  const without: Array<Array<string | undefined>> = [];
  for (const journal of journals) without.push(raw(await session({ modelPath, journal }, 2)));
  const cached: Decision[][] = [];
  for (const journal of journals) cached.push(await session({ dir, modelPath, journal }, 2));
  assert.deepEqual(
    cached.map((decisions) => cacheUse(decisions[0])?.outcome),
    ["written", "hit", "extended", "extended"],
  );
  assert.ok(without.flat().every((text) => typeof text === "string" && text.length > 0));
  assert.deepEqual(cached.map(raw), without);
});

test("one state file is written per prefix change, and only the newest two are kept", async (t) => {
  const dir = await cacheDir(t);
  const outcomes: string[] = [];
  for (const charter of [
    CHARTER,
    CHARTER,
    CHARTER,
    `Also water the plants. ${CHARTER}`,
    `Also water the plants. ${CHARTER}`,
  ])
    outcomes.push(cacheUse((await session({ dir, charter }))[0])?.outcome ?? "none");
  assert.deepEqual(outcomes, ["written", "hit", "hit", "written", "hit"]);
  assert.equal((await files(dir)).length, 4, "two prefixes: two state files, two sidecars");

  const before = await files(dir);
  const third = cacheUse((await session({ dir, charter: `Never delete files. ${CHARTER}` }))[0]);
  assert.equal(third?.outcome, "written");
  const after = await files(dir);
  assert.equal(after.length, 4, "the oldest prefix's files were removed");
  const removed = before.filter((name) => !after.includes(name)).map((name) => name.replace(/\.(bin|json)$/, ""));
  assert.equal(new Set(removed).size, 1);
  assert.equal(cacheUse((await session({ dir, charter: CHARTER }))[0])?.outcome, "written", "the removed one is gone");
});

test("a state over the byte cap is not kept, and not written again for the same prefix", async (t) => {
  const dir = await cacheDir(t);
  const first = cacheUse((await session({ dir, maxBytes: 1024 }))[0]);
  assert.equal(first?.outcome, "over-cap");
  assert.ok((first?.stateFileBytes ?? 0) > 1024);
  assert.deepEqual(
    (await files(dir)).filter((name) => name.endsWith(".bin")),
    [],
  );
  const second = cacheUse((await session({ dir, maxBytes: 1024 }))[0]);
  assert.deepEqual(second, { outcome: "over-cap", prefixTokens: first?.prefixTokens }, "no evaluation or write for it");
  const raised = cacheUse((await session({ dir }))[0]);
  assert.equal(raised?.outcome, "written", "a raised cap lets it be kept");
});

/** Damages the cache's one entry in place. */
type Damage = (bin: string, sidecar: string) => Promise<void>;

const DAMAGES: Array<[string, Damage, RegExp]> = [
  [
    "a flipped byte",
    async (bin) => {
      const bytes = await readFile(bin);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
      await writeFile(bin, bytes);
    },
    /sha256/,
  ],
  ["a truncated file", (bin) => truncate(bin, 100), /sha256/],
  ["a missing state file", (bin) => rm(bin), /unreadable/],
  ["a sidecar that is not JSON", (_, sidecar) => writeFile(sidecar, "{ torn"), /not JSON/],
  [
    "a sidecar for another prefix",
    async (_, sidecar) => {
      const parsed = JSON.parse(await readFile(sidecar, "utf8")) as { tokens: number[] };
      await writeFile(sidecar, JSON.stringify({ ...parsed, tokens: parsed.tokens.slice(0, -1) }));
    },
    /does not match its key/,
  ],
];

test("a damaged state file or sidecar is not loaded but replaced, and the step goes on as usual", async (t) => {
  const dir = await cacheDir(t);
  const written = cacheUse((await session({ dir }))[0]);
  for (const [name, damage, reason] of DAMAGES) {
    const bin = (await files(dir)).find((file) => file.endsWith(".bin")) as string;
    await damage(path.join(dir, bin), path.join(dir, bin.replace(/\.bin$/, ".json")));
    const [decision] = await session({ dir });
    assert.notEqual(decision?.ok === false && decision.reason, "model-error", name);
    const use = cacheUse(decision);
    assert.equal(use?.outcome, "written", name);
    assert.match(use?.rejected ?? "", reason, name);
    assert.equal(decision?.usage?.evaluatedPromptTokens, (decision?.usage?.promptTokens ?? 0) - 1, name);
    assert.equal(use?.stateFileBytes, written?.stateFileBytes, `${name}: the replacement is whole again`);
    assert.equal((await files(dir)).length, 2, name);
  }
  assert.equal(cacheUse((await session({ dir }))[0])?.outcome, "hit");
});

test("another model's state file, even with a sidecar forged to match it, is refused by the load and replaced", async (t) => {
  const foreignDir = await cacheDir(t);
  await session({ dir: foreignDir, modelPath: await testModel({ embeddingLength: 48 }) });
  const foreign = path.join(foreignDir, (await files(foreignDir)).find((file) => file.endsWith(".bin")) as string);

  const dir = await cacheDir(t);
  await session({ dir });
  const bin = path.join(dir, (await files(dir)).find((file) => file.endsWith(".bin")) as string);
  await copyFile(foreign, bin);
  const bytes = await readFile(bin);
  const sidecar = bin.replace(/\.bin$/, ".json");
  const parsed = JSON.parse(await readFile(sidecar, "utf8")) as Record<string, unknown>;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await writeFile(sidecar, JSON.stringify({ ...parsed, bytes: bytes.length, sha256 }));

  const [decision] = await session({ dir });
  assert.notEqual(decision?.ok === false && decision.reason, "model-error");
  assert.equal(cacheUse(decision)?.outcome, "written");
  assert.match(cacheUse(decision)?.rejected ?? "", /did not load|other tokens/);
  assert.equal(cacheUse((await session({ dir }))[0])?.outcome, "hit");
});
