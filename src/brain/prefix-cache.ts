// The stable-prefix state cache: a context sequence's evaluated state for the prompt's stable prefix, saved to a file keyed by model, context and prefix, and loaded instead of evaluated. A file is trusted only after its sidecar's key, size and sha256 match.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, realpath, rename, rm, stat, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { PrefixCacheUse } from "./brain.js";
import { describeError } from "../text/describe-error.js";

/** Format of the sidecar; a sidecar of another version is not trusted. */
const SIDECAR_VERSION = 1;
/** State files kept at most (the newest); older ones are removed after each write. */
export const KEEP_FILES = 2;

/** The part of a node-llama-cpp context sequence the cache uses. */
export interface StateSequence {
  readonly contextTokens: readonly number[];
  evaluateWithoutGeneratingNewTokens(tokens: number[]): Promise<void>;
  saveStateToFile(filePath: string): Promise<{ fileSize: number }>;
  loadStateFromFile(filePath: string, options: { acceptRisk: true }): Promise<void>;
  clearHistory(): Promise<void>;
}

/** What, besides the prefix's tokens, decides whether a saved state fits this session. */
export interface CacheSetup {
  modelPath: string;
  contextSize: number;
  batchSize: number;
  /** The llama.cpp build (its release tag): the state file's layout is its own. */
  runtime: string;
}

/** The sidecar `<key>.json` beside `<key>.bin`; `bytes` 0 and `overCap` mark a state too big to keep. */
interface Sidecar {
  version: number;
  key: string;
  tokens: number;
  bytes: number;
  sha256: string;
  overCap?: boolean;
}

/**
 * The cache key: a sha256 of the model file's identity (resolved path, size, modification time), the context settings,
 * the llama.cpp build and the prefix's tokens. A file saved for any other model, context or prefix has another name.
 */
export async function prefixCacheKey(setup: CacheSetup, prefix: readonly number[]): Promise<string> {
  const resolved = await realpath(setup.modelPath);
  const file = await stat(resolved);
  const hash = createHash("sha256");
  hash.update(
    JSON.stringify({
      model: { path: resolved, size: file.size, mtimeMs: file.mtimeMs },
      contextSize: setup.contextSize,
      batchSize: setup.batchSize,
      runtime: setup.runtime,
    }),
  );
  hash.update(Uint32Array.from(prefix));
  return hash.digest("hex").slice(0, 32);
}

/**
 * Brings an empty `sequence` to hold `prefix` evaluated: loads the state saved for `key` when its file checks out
 * (sidecar key, token count, size and sha256, then the loaded tokens themselves), else evaluates the prefix and saves
 * its state once (temp file, then rename; the sidecar last), then removes files past the newest {@link KEEP_FILES} and
 * the byte cap. A file that fails any check is removed and replaced, never loaded. Never throws for a cache problem:
 * the outcome says what happened; an evaluation error is thrown, as the completion's own would be.
 */
export async function restoreOrSavePrefix(
  sequence: StateSequence,
  prefix: readonly number[],
  key: string,
  options: { dir: string; maxBytes: number },
): Promise<PrefixCacheUse> {
  const found = await readSidecar(options.dir, key, prefix.length);
  // A state once too big stays too big for this prefix, unless the cap has since been raised.
  if (found.ok && found.sidecar.overCap === true && found.sidecar.bytes > options.maxBytes)
    return { outcome: "over-cap", prefixTokens: prefix.length };
  let rejected: string | undefined;
  if (found.ok && found.sidecar.overCap === true) rejected = "the byte cap was raised past this prefix's state";
  else if (found.ok) {
    const loaded = await loadVerified(sequence, prefix, options.dir, found.sidecar);
    if (loaded.ok) return { ...loaded.use, prefixTokens: prefix.length };
    rejected = loaded.reason;
  } else if (found.reason !== "absent") rejected = found.reason;
  if (rejected !== undefined) await removeEntry(options.dir, key);
  const evalStarted = performance.now();
  await sequence.evaluateWithoutGeneratingNewTokens([...prefix]);
  const prefixEvalMs = Math.round(performance.now() - evalStarted);
  const saved = await saveState(sequence, prefix.length, key, options);
  return {
    ...saved,
    prefixTokens: prefix.length,
    prefixEvalMs,
    ...(rejected !== undefined ? { rejected } : {}),
  };
}

type Found = { ok: true; sidecar: Sidecar } | { ok: false; reason: string };

/** The sidecar for `key`, checked against the key and the prefix's length; `absent` when there is none. */
async function readSidecar(dir: string, key: string, tokens: number): Promise<Found> {
  let text: string;
  try {
    text = await readFile(path.join(dir, `${key}.json`), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: false, reason: "absent" };
    return { ok: false, reason: `sidecar unreadable: ${describeError(error)}` };
  }
  let sidecar: Partial<Sidecar>;
  try {
    sidecar = JSON.parse(text) as Partial<Sidecar>;
  } catch {
    return { ok: false, reason: "sidecar is not JSON" };
  }
  if (sidecar.version !== SIDECAR_VERSION || sidecar.key !== key || sidecar.tokens !== tokens)
    return { ok: false, reason: "sidecar does not match the key or the prefix" };
  if (typeof sidecar.bytes !== "number" || typeof sidecar.sha256 !== "string")
    return { ok: false, reason: "sidecar lacks size or sha256" };
  return { ok: true, sidecar: sidecar as Sidecar };
}

/** Loads the state file of `sidecar` after checking its size and sha256, then checks the tokens it brought. */
async function loadVerified(
  sequence: StateSequence,
  prefix: readonly number[],
  dir: string,
  sidecar: Sidecar,
): Promise<{ ok: true; use: Omit<PrefixCacheUse, "prefixTokens"> } | { ok: false; reason: string }> {
  const file = path.join(dir, `${sidecar.key}.bin`);
  const started = performance.now();
  let digest: { bytes: number; sha256: string };
  try {
    digest = await hashFile(file);
  } catch (error) {
    return { ok: false, reason: `state file unreadable: ${describeError(error)}` };
  }
  if (digest.bytes !== sidecar.bytes || digest.sha256 !== sidecar.sha256)
    return { ok: false, reason: "state file does not match its sidecar's size and sha256" };
  try {
    await sequence.loadStateFromFile(file, { acceptRisk: true });
  } catch (error) {
    await sequence.clearHistory();
    return { ok: false, reason: `state file did not load: ${describeError(error)}` };
  }
  if (!sameTokens(sequence.contextTokens, prefix)) {
    await sequence.clearHistory();
    return { ok: false, reason: "state file holds other tokens than the prefix" };
  }
  const loadMs = Math.round(performance.now() - started);
  return { ok: true, use: { outcome: "hit", stateFileBytes: digest.bytes, loadMs } };
}

/** Saves the sequence's state (the prefix alone) as `<key>.bin` with its sidecar, then trims the cache. */
async function saveState(
  sequence: StateSequence,
  tokens: number,
  key: string,
  options: { dir: string; maxBytes: number },
): Promise<Omit<PrefixCacheUse, "prefixTokens">> {
  const started = performance.now();
  const target = path.join(options.dir, `${key}.bin`);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    await sequence.saveStateToFile(temp);
    const digest = await hashFile(temp);
    const overCap = digest.bytes > options.maxBytes;
    if (overCap) await rm(temp, { force: true });
    else await rename(temp, target);
    const sidecar: Sidecar = { version: SIDECAR_VERSION, key, tokens, ...digest, ...(overCap ? { overCap } : {}) };
    await writeAtomically(path.join(options.dir, `${key}.json`), JSON.stringify(sidecar) + "\n");
    await trimCache(options.dir, key, options.maxBytes);
    const saveMs = Math.round(performance.now() - started);
    return overCap
      ? { outcome: "over-cap", stateFileBytes: digest.bytes, saveMs }
      : { outcome: "written", stateFileBytes: digest.bytes, saveMs };
  } catch (error) {
    await rm(temp, { force: true });
    return { outcome: "failed", rejected: `state not saved: ${describeError(error)}` };
  }
}

/**
 * Keeps the entry `keep` and, newest first, other complete entries while they number fewer than {@link KEEP_FILES}
 * and their state files fit `maxBytes` together; removes the rest, and any temp file or state file without a sidecar.
 */
export async function trimCache(dir: string, keep: string, maxBytes: number): Promise<void> {
  const names = await readdir(dir);
  const entries: Array<{ key: string; mtimeMs: number; bytes: number }> = [];
  for (const name of names) {
    const full = path.join(dir, name);
    if (name.endsWith(".tmp")) {
      await rm(full, { force: true });
      continue;
    }
    if (name.endsWith(".bin")) {
      if (!names.includes(name.replace(/\.bin$/, ".json"))) await rm(full, { force: true });
      continue;
    }
    if (!name.endsWith(".json")) continue;
    const info = await stat(full);
    const key = name.slice(0, -".json".length);
    const bin = await stat(path.join(dir, `${key}.bin`)).catch(() => undefined);
    entries.push({ key, mtimeMs: key === keep ? Infinity : info.mtimeMs, bytes: bin?.size ?? 0 });
  }
  entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
  let kept = 0;
  let bytes = 0;
  for (const entry of entries) {
    if (entry.key === keep || (kept < KEEP_FILES && bytes + entry.bytes <= maxBytes)) {
      kept += 1;
      bytes += entry.bytes;
    } else await removeEntry(dir, entry.key);
  }
}

/** Removes the state file and the sidecar of `key`. */
async function removeEntry(dir: string, key: string): Promise<void> {
  await rm(path.join(dir, `${key}.bin`), { force: true });
  await rm(path.join(dir, `${key}.json`), { force: true });
}

/**
 * Writes `file` through a temp file and a rename, so a reader sees a whole sidecar or none. No fsync: a file torn by
 * a power cut fails its sha256 check and is written again, which is all a cache needs.
 */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, file);
}

/** Size and sha256 of a file, read as a stream. */
async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    hash.update(buffer);
  }
  return { bytes, sha256: hash.digest("hex") };
}

function sameTokens(held: readonly number[], prefix: readonly number[]): boolean {
  return held.length === prefix.length && held.every((token, index) => token === prefix[index]);
}
