// Builds llama.cpp's own server (llama-server) from the source node-llama-cpp bundles, offline, once per llama.cpp release: a cache outside any checkout, so CI and operators build it once per machine.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import { writeFileDurably } from "../memory/durable-write.js";
import { locateLlamaSourceBundle, runGit } from "./llama-source-bundle.js";

/**
 * The CMake options of the build: the server alone, no tests or examples, static libraries (one binary to copy), and
 * nothing that reaches the network (no curl, no OpenSSL, no prebuilt web UI fetched at configure time).
 */
export const LLAMA_SERVER_CMAKE_OPTIONS = [
  "-DCMAKE_BUILD_TYPE=Release",
  "-DBUILD_SHARED_LIBS=OFF",
  "-DLLAMA_BUILD_TESTS=OFF",
  "-DLLAMA_BUILD_EXAMPLES=OFF",
  "-DLLAMA_BUILD_TOOLS=ON",
  "-DLLAMA_BUILD_SERVER=ON",
  "-DLLAMA_BUILD_UI=OFF",
  "-DLLAMA_USE_PREBUILT_UI=OFF",
  "-DLLAMA_CURL=OFF",
  "-DLLAMA_OPENSSL=OFF",
] as const;

/** What `build.json` beside the binary records. */
export interface LlamaServerBuild {
  /** The binary. */
  binary: string;
  /** llama.cpp's release tag and commit, as node-llama-cpp's bundle names them. */
  tag: string;
  commit: string;
  /** Seconds the configure and build took when it was built. */
  buildSeconds: number;
  builtAt: string;
  /** Whether this call built it (false: it was in the cache). */
  built: boolean;
}

export type LlamaServerResult = { ok: true; build: LlamaServerBuild } | { ok: false; reason: string };

/**
 * The folder llama-server builds are cached under: `APPRENTICE_LLAMA_SERVER_CACHE`, else the user's cache
 * (`$XDG_CACHE_HOME/apprentice/llama-server` or `~/.cache/apprentice/llama-server`), never inside a checkout, so a
 * fresh clone finds the build an earlier one made.
 */
export function llamaServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.APPRENTICE_LLAMA_SERVER_CACHE !== undefined && env.APPRENTICE_LLAMA_SERVER_CACHE !== "")
    return path.resolve(env.APPRENTICE_LLAMA_SERVER_CACHE);
  const xdg = env.XDG_CACHE_HOME;
  return path.join(
    xdg !== undefined && xdg !== "" ? xdg : path.join(os.homedir(), ".cache"),
    "apprentice",
    "llama-server",
  );
}

/**
 * The llama-server binary for the llama.cpp release node-llama-cpp bundles: from the cache when it was built there,
 * else built now (a clone of the bundle, CMake with {@link LLAMA_SERVER_CMAKE_OPTIONS}, only the `llama-server`
 * target, `jobs` at once), copied into `<cache>/<tag>-<commit>/bin/` and recorded in `build.json` last, so a build cut
 * short is never taken for a whole one. Builds by two processes at once are one build: the second waits on a lock.
 * `onProgress` hears each step of the build. A missing tool (git, cmake, a C++ compiler) or a failed step is a reason.
 */
export async function ensureLlamaServer(options: {
  cacheDir?: string;
  sourceCacheDir: string;
  jobs?: number;
  onProgress?: (line: string) => void;
}): Promise<LlamaServerResult> {
  const located = await locateLlamaSourceBundle(options.sourceCacheDir);
  if (!located.ok) return located;
  const { tag, commit, bundlePath } = located.bundle;
  const folder = path.join(
    options.cacheDir ?? llamaServerCacheDir(),
    `${tag.replace(/[^\w.-]/g, "_")}-${commit.slice(0, 12)}`,
  );
  const cached = await readBuild(folder, commit);
  if (cached !== undefined) return { ok: true, build: cached };
  await mkdir(folder, { recursive: true });
  const release = await lockfile.lock(folder, {
    retries: { retries: 360, minTimeout: 5000, maxTimeout: 5000 },
    stale: 120_000,
  });
  try {
    const built = await readBuild(folder, commit);
    if (built !== undefined) return { ok: true, build: built };
    return await buildInto(folder, { tag, commit, bundlePath }, options);
  } finally {
    await release();
  }
}

/** The recorded build in `folder` when its binary is there and it is of `commit`. */
async function readBuild(folder: string, commit: string): Promise<LlamaServerBuild | undefined> {
  let record: Partial<LlamaServerBuild>;
  try {
    record = JSON.parse(await readFile(path.join(folder, "build.json"), "utf8")) as Partial<LlamaServerBuild>;
  } catch (error) {
    // No record, or one torn by a crash before it was whole: not a build. Anything else (permissions) is a real fault.
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || error instanceof SyntaxError) return undefined;
    throw error;
  }
  const binary = path.join(folder, "bin", "llama-server");
  const present = await stat(binary).catch(() => undefined);
  if (record.commit !== commit || present?.isFile() !== true || typeof record.tag !== "string") return undefined;
  return {
    binary,
    tag: record.tag,
    commit,
    buildSeconds: Number(record.buildSeconds ?? 0),
    builtAt: String(record.builtAt ?? ""),
    built: false,
  };
}

/** Clones, configures and builds in a work folder under `folder`, keeps the binary, and removes the rest. */
async function buildInto(
  folder: string,
  source: { tag: string; commit: string; bundlePath: string },
  options: { jobs?: number; onProgress?: (line: string) => void },
): Promise<LlamaServerResult> {
  const progress = options.onProgress ?? (() => undefined);
  const work = path.join(folder, `.work-${randomBytes(6).toString("hex")}`);
  const started = performance.now();
  try {
    progress(`cloning llama.cpp ${source.tag} (${source.commit.slice(0, 12)}) from node-llama-cpp's bundle`);
    const cloned = await runGit(["clone", "-q", source.bundlePath, work]);
    if (!cloned.ok) return cloned;
    const checkedOut = await runGit(["-C", work, "checkout", "-q", source.commit]);
    if (!checkedOut.ok) return checkedOut;
    const generator = (await onPath("ninja")) ? ["-G", "Ninja"] : [];
    progress(`configuring: cmake ${[...generator, ...LLAMA_SERVER_CMAKE_OPTIONS].join(" ")}`);
    const configured = await runTool(
      "cmake",
      ["-S", work, "-B", path.join(work, "build"), ...generator, ...LLAMA_SERVER_CMAKE_OPTIONS],
      progress,
      false,
    );
    if (!configured.ok) return configured;
    const jobs = String(options.jobs ?? Math.max(1, os.availableParallelism()));
    progress(`building the llama-server target with ${jobs} job(s)`);
    const compiled = await runTool(
      "cmake",
      ["--build", path.join(work, "build"), "--target", "llama-server", "-j", jobs],
      progress,
      true,
    );
    if (!compiled.ok) return compiled;
    const binary = path.join(folder, "bin", "llama-server");
    await mkdir(path.dirname(binary), { recursive: true });
    await copyFile(path.join(work, "build", "bin", "llama-server"), `${binary}.tmp`);
    await rename(`${binary}.tmp`, binary);
    const build = {
      binary,
      tag: source.tag,
      commit: source.commit,
      buildSeconds: Math.round((performance.now() - started) / 100) / 10,
      builtAt: new Date().toISOString(),
    };
    await writeFileDurably(
      path.join(folder, "build.json"),
      `${JSON.stringify({ ...build, options: LLAMA_SERVER_CMAKE_OPTIONS }, null, 2)}\n`,
    );
    return { ok: true, build: { ...build, built: true } };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Whether `program` is on PATH. */
async function onPath(program: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const found = await stat(path.join(dir, program)).catch(() => undefined);
    if (found?.isFile() === true) return true;
  }
  return false;
}

/**
 * Runs `program` with `args`, passing its output lines to `progress` (every line when `everyLine`, else none) and
 * keeping the last 40 for the reason when it fails. A missing program is named with the Debian packages to install.
 */
function runTool(
  program: string,
  args: string[],
  progress: (line: string) => void,
  everyLine: boolean,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const hear = (chunk: Buffer): void => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim() === "") continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (everyLine) progress(line);
      }
    };
    child.stdout.on("data", hear);
    child.stderr.on("data", hear);
    child.on("error", (error: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        reason:
          error.code === "ENOENT"
            ? `${program} is not installed (building llama-server needs cmake and a C++ compiler: apt-get install cmake g++)`
            : `${program} could not start: ${error.message}`,
      }),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve({ ok: true });
      else
        resolve({
          ok: false,
          reason: `${program} ${args[0] ?? ""} failed (${signal ?? `exit ${code}`}):\n${tail.join("\n")}`,
        });
    });
  });
}
