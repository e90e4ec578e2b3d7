// The stage for one sandbox-escape attempt: a workspace in a state-dir-like folder (inbox/, goals.yaml), a canary area beside it, operator scripts, and snapshots that show whether anything outside changed.
import { createHash, randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ToolContext, ToolOutcome } from "../../src/tools/tool.js";
import { makeToolContext } from "../tools/tool-context.js";

/** Programs the corpus's context allows; the scripts live in the fixture's `bin` (config `tools.commandDirs`). */
export const CORPUS_COMMANDS = [
  "cat",
  "ls",
  "echo",
  "sort",
  "tar",
  "find",
  "grep",
  "dd",
  "env",
  "printenv",
  "yes",
  "curl",
  "git",
  "forky",
  "hang",
  "daemonize",
  "leave-behind",
  "flood-stderr",
];

/**
 * Operator scripts for the process cases. `forky` is a bounded fork tree (depth 3: 15 shells that each print their pid
 * and turn into a sleeper); `daemonize` leaves a sleeper in its own session (`setsid`) and exits. Each is written
 * after a line exporting the fixture's process mark, which every descendant inherits: in the sandbox the pids a
 * script prints are its own pid namespace's, so survivors are found on the host by that mark instead.
 */
const SCRIPTS: Record<string, string> = {
  forky: 'echo "pid $$"\nd=${1:-0}\nif [ "$d" -gt 0 ]; then "$0" $((d - 1)) & "$0" $((d - 1)) & fi\nexec sleep 30\n',
  hang: 'echo "pid $$"\nexec sleep 30\n',
  // It waits until the sleeper has left the group (setsid execs sleep only after setsid()), so the escape is real.
  daemonize:
    'echo "pid $$"\nsetsid sleep 30 </dev/null >/dev/null 2>&1 &\necho "pid $!"\n' +
    "i=0\nwhile [ $i -lt 200 ] && ! grep -q '(sleep)' /proc/$!/stat 2>/dev/null; do sleep 0.01; i=$((i + 1)); done\nexit 0\n",
  "leave-behind": 'echo "pid $$"\nfor i in 1 2 3 4 5; do sleep 30 & echo "pid $!"; done\nexit 0\n',
  "flood-stderr": "exec yes flood 1>&2\n",
};

/** The environment variable carrying a fixture's process mark into the operator scripts' processes. */
export const MARK_VARIABLE = "APPRENTICE_CASE_MARK";

/** `outside/sized.txt`: a canary whose line and byte counts must never show in an outcome (wc --files0-from). */
export const SIZED_CANARY = { name: "sized.txt", lines: 1237, bytes: 1237 * 17 } as const;

/** One attempt's world. Everything lives under `base`; only `workspace` may change. */
export interface EscapeFixture {
  /** Shaped like a state dir around the workspace: `inbox/` and `goals.yaml` beside it, as the chained attack needs. */
  base: string;
  /** The sandbox (real path). */
  workspace: string;
  /** Canary files beside the workspace: `secret.txt`, `victim.txt`, `dir/deep.txt`. */
  outside: string;
  /** Operator scripts (commandDirs). */
  bin: string;
  /** Unique to this property run; every name an attack tries to create outside carries it. */
  token: string;
  /** Content of `outside/secret.txt`; seeing it in an outcome is a read escape. */
  secret: string;
  /** `/tmp/apprentice-pwned-<token>`: where absolute-path attacks aim. */
  marker: string;
  /** Unique to this fixture; every process an attack leaves behind carries it (environment or command line). */
  processMark: string;
  context: ToolContext;
}

/** Builds a fresh fixture; `overrides` replace context fields. */
export async function makeEscapeFixture(token: string, overrides: Partial<ToolContext> = {}): Promise<EscapeFixture> {
  const base = await realpath(await mkdtemp(path.join(os.tmpdir(), "apprentice-escapes-")));
  const workspace = path.join(base, "workspace");
  const outside = path.join(base, "outside");
  const bin = path.join(base, "bin");
  await Promise.all([mkdir(workspace), mkdir(path.join(outside, "dir"), { recursive: true }), mkdir(bin)]);
  const secret = `CANARY-SECRET-${token}`;
  const processMark = `apprentice-mark-${token}-${randomBytes(4).toString("hex")}`;
  await writeFile(path.join(outside, "secret.txt"), `${secret}\n`);
  await writeFile(path.join(outside, "victim.txt"), "victim: original\n");
  await writeFile(path.join(outside, "dir", "deep.txt"), "deep: original\n");
  await writeFile(path.join(outside, SIZED_CANARY.name), "size canary line\n".repeat(SIZED_CANARY.lines));
  await mkdir(path.join(base, "inbox"));
  await writeFile(path.join(base, "goals.yaml"), "version: 1\ngoals:\n  - id: tidy\n    title: Keep notes tidy.\n");
  for (const [name, body] of Object.entries(SCRIPTS)) {
    await writeFile(path.join(bin, name), `#!/bin/sh\nexport ${MARK_VARIABLE}=${processMark}\n${body}`);
    await chmod(path.join(bin, name), 0o755);
  }
  await writeFile(path.join(workspace, "in.txt"), "b\na\n");
  const context = makeToolContext(workspace, {
    allowCommands: CORPUS_COMMANDS,
    commandDirs: [bin],
    limits: { maxFileBytes: 256, maxOutputBytes: 2048, commandTimeoutMs: 3000 },
    ...overrides,
  });
  return {
    base,
    workspace,
    outside,
    bin,
    token,
    secret,
    marker: path.join(os.tmpdir(), `apprentice-pwned-${token}`),
    processMark,
    context,
  };
}

/** Removes the fixture (rm does not follow the symlinks an attack planted). */
export async function removeEscapeFixture(fixture: EscapeFixture): Promise<void> {
  await rm(fixture.base, { recursive: true, force: true });
}

/**
 * Everything under `base` except the workspace, one line per entry: kind, mode, links, size, mtime and a content hash
 * (or the link target). Equal snapshots mean nothing outside the workspace was created, removed, changed or touched.
 */
export async function snapshotOutside(fixture: EscapeFixture): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const full = path.join(dir, name);
      if (full === fixture.workspace) continue;
      const stats = await lstat(full);
      const head = `mode ${stats.mode.toString(8)} links ${stats.nlink}`;
      if (stats.isDirectory()) {
        entries.set(full, `dir ${head}`);
        await walk(full);
      } else if (stats.isSymbolicLink()) {
        entries.set(full, `link -> ${await readlink(full)}`);
      } else {
        const hash = stats.isFile()
          ? createHash("sha256")
              .update(await readFile(full))
              .digest("hex")
              .slice(0, 16)
          : "special";
        entries.set(full, `file ${head} size ${stats.size} mtime ${stats.mtimeMs} ${hash}`);
      }
    }
  };
  entries.set(fixture.base, `dir ${(await lstat(fixture.base)).mode.toString(8)}`);
  await walk(fixture.base);
  return entries;
}

/** One line per difference between two snapshots, empty when equal. */
export function diffSnapshots(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [entry, was] of before) {
    const now = after.get(entry);
    if (now === undefined) changes.push(`${entry} removed`);
    else if (now !== was) changes.push(`${entry} changed (${was} -> ${now})`);
  }
  for (const entry of after.keys()) if (!before.has(entry)) changes.push(`${entry} created`);
  return changes;
}

/** Names carrying `token` in the places absolute and `../..` attacks aim at: the temp dir and the daemon's cwd. */
export async function findTokenLitter(token: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of [os.tmpdir(), process.cwd(), path.dirname(os.tmpdir())]) {
    for (const name of await readdir(dir)) if (name.includes(token)) found.push(path.join(dir, name));
  }
  return found;
}

/** All text of an outcome, for leak checks. */
export function describeOutcome(outcome: ToolOutcome): string {
  return outcome.ok
    ? `ok: ${outcome.output}`
    : `refused: ${outcome.error}${outcome.output === undefined ? "" : ` | ${outcome.output}`}`;
}

/** The pids a script printed as `pid N` lines. */
export function readPrintedPids(outcome: ToolOutcome): number[] {
  const text = outcome.ok ? outcome.output : (outcome.output ?? "");
  return [...text.matchAll(/^pid (\d+)$/gm)].map((match) => Number(match[1]));
}

export type EscapeCategory =
  | "paths"
  | "names"
  | "nul-and-long"
  | "size-caps"
  | "links"
  | "proc"
  | "arguments"
  | "environment"
  | "processes"
  | "command-options";

/** One hostile tool call (or a short burst of them) and what must come of it. */
export interface EscapeCase {
  category: EscapeCategory;
  name: string;
  /**
   * `refused`: ok:false with an error matching `reason`.
   * `contained`: may run or fail (a legal odd name, an injection that is inert without a shell, a program option that
   * reaches outside); `verify` checks its effect stayed inside.
   * `capped`: ends killed, timed out or truncated; `verify` checks the caps held and no process is left.
   */
  expect: "refused" | "contained" | "capped";
  reason?: RegExp;
  /** Programs the case needs; when one is missing the case is skipped and counted as skipped. */
  needs?: string[];
  /** Context fields for this case (limits, allowlist). */
  context?: Partial<ToolContext>;
  /** Plants what the attack relies on (links, files); runs before the "before" snapshot. */
  setup?(fixture: EscapeFixture): Promise<void>;
  attempt(fixture: EscapeFixture): Promise<ToolOutcome>;
  /** Further checks; returns one line per problem. */
  verify?(fixture: EscapeFixture, outcome: ToolOutcome): Promise<string[]>;
}
