// Test helpers for the tools: a real temp workspace and a ToolContext whose callbacks record into arrays.
import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import type { SchemaView, ToolContext, ToolLimits } from "../../src/tools/tool.js";
import { listWorkspace } from "../../src/tools/sandbox-path.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";

/** Limits small enough for tests to reach. */
export const testLimits: ToolLimits = { maxFileBytes: 1024, maxOutputBytes: 4096, commandTimeoutMs: 5000 };

/** A fresh real temp dir (symlink-free path), removed when the test ends. */
export async function makeTempDir(t: TestContext, prefix = "apprentice-tools-"): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), prefix)));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A ToolContext plus what its callbacks received. */
export interface RecordingContext extends ToolContext {
  notes: string[];
  messages: string[];
}

/** Builds a context over `workspaceDir`; `overrides` replace any field. */
export function makeToolContext(workspaceDir: string, overrides: Partial<ToolContext> = {}): RecordingContext {
  const notes: string[] = [];
  const messages: string[] = [];
  return {
    workspaceDir,
    limits: testLimits,
    allowCommands: ["ls", "cat", "wc", "date", "echo"],
    commandDirs: [],
    commandArgs: {},
    sandbox: DEFAULT_SANDBOX_SETTINGS,
    signal: new AbortController().signal,
    writeNote: async (text) => void notes.push(text),
    sendMessage: async (text) => {
      messages.push(text);
      return `message-${messages.length}.md`;
    },
    readSensors: async () => "cpu 41.5C, load 0.20, 300 MB free",
    ...overrides,
    notes,
    messages,
  };
}

/** The schema view the cycle would build for `context`. */
export async function makeSchemaView(context: ToolContext, maxEntries = 100): Promise<SchemaView> {
  const listing = await listWorkspace(context.workspaceDir, { maxEntries });
  return {
    allowCommands: context.allowCommands,
    commandArgs: context.commandArgs,
    files: listing.files,
    dirs: listing.dirs,
    limits: context.limits,
  };
}
