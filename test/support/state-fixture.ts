// Builds real temp state dirs for tests: templates, then the goals, config, inbox messages and operator requests a test asks for.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTestModel, type TestModelOptions } from "../../src/brain/test-model.js";
import { initStateDir } from "../../src/daemon/init-state.js";

/** Where tests keep the written test models (shared between test files, content-addressed). */
export const TEST_CACHE_DIR = path.join(os.tmpdir(), "apprentice-test-cache");

/** The compiled CLI entry, for child-process tests. */
export const CLI = fileURLToPath(new URL("../../../bin/apprentice.js", import.meta.url));

export function testModel(options: TestModelOptions = {}): Promise<string> {
  return ensureTestModel(TEST_CACHE_DIR, options);
}

export interface FixtureOptions {
  goalsYaml?: string;
  config?: Record<string, Record<string, unknown>>;
  inbox?: Record<string, string>;
  /** Operator requests (`x.lesson.md`, `x.lesson-op.json`), written into operator/ 0600 as this user, as the CLI does. */
  operator?: Record<string, string>;
  workspace?: Record<string, string>;
  /** Set model.path to the default test model. Defaults to `true`. */
  withModel?: boolean;
}

export const ONE_GOAL_YAML = [
  "version: 1",
  "goals:",
  "  - id: shopping-list",
  "    title: Write shopping.txt listing milk.",
  "    check: grep -qi milk shopping.txt",
  "",
].join("\n");

/** Makes a state dir in a fresh temp folder; `cleanup` removes it. */
export async function makeStateDir(
  options: FixtureOptions = {},
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-state-"));
  const dir = path.join(parent, "state");
  await initStateDir(dir);
  await writeFile(path.join(dir, "goals.yaml"), options.goalsYaml ?? ONE_GOAL_YAML);
  const config = JSON.parse(await readFile(path.join(dir, "config.json"), "utf8")) as Record<
    string,
    Record<string, unknown>
  >;
  config.model = {
    ...config.model,
    seed: 1,
    maxTokensPerStep: 128,
    ...(options.withModel === false ? {} : { path: await testModel() }),
  };
  config.limits = { ...config.limits, maxSteps: 3, stepTimeoutMs: 20_000, cycleTimeoutMs: 60_000 };
  for (const [key, value] of Object.entries(options.config ?? {})) config[key] = { ...config[key], ...value };
  await writeFile(path.join(dir, "config.json"), JSON.stringify(config, null, 2));
  for (const [name, text] of Object.entries(options.inbox ?? {})) await writeFile(path.join(dir, "inbox", name), text);
  for (const [name, text] of Object.entries(options.operator ?? {}))
    await writeFile(path.join(dir, "operator", name), text, { mode: 0o600 });
  for (const [name, text] of Object.entries(options.workspace ?? {}))
    await writeFile(path.join(dir, "workspace", name), text);
  return { dir, cleanup: () => rm(parent, { recursive: true, force: true }) };
}
