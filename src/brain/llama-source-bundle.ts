// Extracts files of llama.cpp's source from the git bundle node-llama-cpp ships, offline, into a cache keyed by the bundle's release tag and commit; a cached file is always complete.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { writeFileDurably } from "../memory/durable-write.js";

const run = promisify(execFile);

/** Where the bundle is, which llama.cpp it holds, and where its extracted files are cached. */
export interface LlamaSourceBundle {
  bundlePath: string;
  /** llama.cpp release tag node-llama-cpp names for its source (`llama/llama.cpp.info.json`). */
  tag: string;
  /** The bundle's commit. */
  commit: string;
  /** Folder of this bundle's extracted files under the cache dir. */
  cacheFolder: string;
}

/** A located bundle, or why there is none (no bundle in node-llama-cpp, git missing or failing). */
export type BundleResult = { ok: true; bundle: LlamaSourceBundle } | { ok: false; reason: string };

/** The node-llama-cpp package folder this build imports. */
function nodeLlamaCppDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve("node-llama-cpp")));
  while (path.basename(dir) !== "node-llama-cpp" && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Finds node-llama-cpp's source bundle and names its commit (`git bundle list-heads`, offline). */
export async function locateLlamaSourceBundle(cacheDir: string): Promise<BundleResult> {
  const llamaDir = path.join(nodeLlamaCppDir(), "llama");
  const bundlePath = path.join(llamaDir, "gitRelease.bundle");
  const present = await stat(bundlePath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (present === undefined)
    return { ok: false, reason: `node-llama-cpp has no llama.cpp source bundle at ${bundlePath}` };
  const info = JSON.parse(await readFile(path.join(llamaDir, "llama.cpp.info.json"), "utf8")) as { tag?: unknown };
  const tag = typeof info.tag === "string" ? info.tag : "untagged";
  const heads = await runGit(["bundle", "list-heads", bundlePath]);
  if (!heads.ok) return heads;
  const commit = /^([0-9a-f]{40})\s/m.exec(heads.stdout.toString("utf8"))?.[1];
  if (commit === undefined) return { ok: false, reason: `git names no commit in ${bundlePath}` };
  const cacheFolder = path.join(cacheDir, "llama-cpp-source", `${tag.replace(/[^\w.-]/g, "_")}-${commit.slice(0, 12)}`);
  return { ok: true, bundle: { bundlePath, tag, commit, cacheFolder } };
}

/** Result of {@link extractLlamaSourceFiles}: the cached path of each requested source path. */
export type ExtractResult =
  { ok: true; files: Map<string, string>; extracted: boolean } | { ok: false; reason: string };

/**
 * Returns cached copies of `sourcePaths` (paths inside llama.cpp's tree), extracting the missing ones from the bundle
 * first: a clone without checkout into a temp folder, `git show` per file, a durable write, and the clone removed.
 * Processes extracting at once each write whole files under the same names, so a reader never sees a part.
 */
export async function extractLlamaSourceFiles(
  bundle: LlamaSourceBundle,
  sourcePaths: readonly string[],
): Promise<ExtractResult> {
  const files = new Map(sourcePaths.map((sourcePath) => [sourcePath, path.join(bundle.cacheFolder, sourcePath)]));
  const missing: string[] = [];
  for (const [sourcePath, file] of files) if (!(await isFile(file))) missing.push(sourcePath);
  if (missing.length === 0) return { ok: true, files, extracted: false };
  await mkdir(bundle.cacheFolder, { recursive: true });
  await removeAbandonedClones(bundle.cacheFolder);
  const clone = path.join(bundle.cacheFolder, `.clone-${randomBytes(6).toString("hex")}`);
  try {
    const cloned = await runGit(["clone", "-q", "--no-checkout", bundle.bundlePath, clone]);
    if (!cloned.ok) return cloned;
    for (const sourcePath of missing) {
      const shown = await runGit(["-C", clone, "show", `${bundle.commit}:${sourcePath}`]);
      if (!shown.ok) return { ok: false, reason: `${sourcePath} is not in llama.cpp ${bundle.tag}: ${shown.reason}` };
      const file = files.get(sourcePath) as string;
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileDurably(file, shown.stdout);
    }
  } finally {
    await rm(clone, { recursive: true, force: true });
  }
  return { ok: true, files, extracted: true };
}

/** A clone older than this was left by a process killed mid-extraction (one takes seconds). */
const ABANDONED_CLONE_MS = 10 * 60 * 1000;

/** Removes the 34 MB clones that killed extractions left behind; a live one is young and kept. */
async function removeAbandonedClones(folder: string): Promise<void> {
  for (const name of await readdir(folder)) {
    if (!name.startsWith(".clone-")) continue;
    const clone = path.join(folder, name);
    const found = await stat(clone).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (found !== undefined && Date.now() - found.mtimeMs > ABANDONED_CLONE_MS)
      await rm(clone, { recursive: true, force: true });
  }
}

async function isFile(file: string): Promise<boolean> {
  const found = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  return found?.isFile() === true;
}

export type GitResult = { ok: true; stdout: Buffer } | { ok: false; reason: string };

/** Runs git offline; a missing git or a failing command is a reason, not a throw. */
export async function runGit(args: string[]): Promise<GitResult> {
  try {
    const { stdout } = await run("git", args, {
      encoding: "buffer",
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1" },
    });
    return { ok: true, stdout };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (failure.code === "ENOENT") {
      return { ok: false, reason: "git is not installed (it reads llama.cpp's source bundle; apt-get install git)" };
    }
    const stderr = failure.stderr?.toString("utf8").trim() ?? "";
    return { ok: false, reason: `git ${args[0] ?? ""} failed: ${stderr !== "" ? stderr : failure.message}` };
  }
}
