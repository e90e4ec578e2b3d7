// The prefix state cache: a context sequence's evaluated state for the prompt's cached prefix, saved to a file named by model, context and prefix; the next cycle loads the saved state that shares the most of its prefix, and evaluates only the rest. A file is trusted only after its sidecar's key, size and sha256 match.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, readdir, readFile, realpath, rename, rm, stat, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { PrefixCacheUse } from "./brain.js";
import { sharedPrefixLength } from "./chat-tokens.js";
import { describeError } from "../text/describe-error.js";

/** Format of the sidecar; a sidecar of another version is not trusted. */
const SIDECAR_VERSION = 2;
/** State files kept at most (the newest); older ones are removed after each write. */
export const KEEP_FILES = 2;
/** A saved state sharing fewer leading tokens than this with the prefix is not loaded: evaluating them costs about as much. */
export const MIN_SHARED_TOKENS = 64;

/** The part of a node-llama-cpp context sequence the cache uses. */
export interface StateSequence {
  readonly contextTokens: readonly number[];
  evaluateWithoutGeneratingNewTokens(tokens: number[]): Promise<void>;
  eraseContextTokenRanges(ranges: Array<{ start: number; end: number }>): Promise<void>;
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

/**
 * The sidecar `<key>.json` beside `<key>.bin`: the setup's hash, the tokens the state holds, and the state file's size
 * and sha256. `overCap` marks a state too big to keep (no `.bin`); `bytes` is then the size it would have had.
 */
interface Sidecar {
  version: number;
  key: string;
  setup: string;
  tokens: number[];
  bytes: number;
  sha256: string;
  overCap?: boolean;
}

/**
 * The setup's identity: a sha256 of the model file's identity (resolved path, size, modification time), the context
 * settings and the llama.cpp build. A state saved under any other setup is never loaded.
 */
export async function cacheSetupHash(setup: CacheSetup): Promise<string> {
  const resolved = await realpath(setup.modelPath);
  const file = await stat(resolved);
  return createHash("sha256")
    .update(
      JSON.stringify({
        model: { path: resolved, size: file.size, mtimeMs: file.mtimeMs },
        contextSize: setup.contextSize,
        batchSize: setup.batchSize,
        runtime: setup.runtime,
      }),
    )
    .digest("hex");
}

/** A state's file name: a sha256 of the setup's hash and the tokens it holds. */
export function prefixCacheKey(setupHash: string, tokens: readonly number[]): string {
  return createHash("sha256").update(setupHash).update(Uint32Array.from(tokens)).digest("hex").slice(0, 32);
}

/**
 * Brings an empty `sequence` to hold `prefix` evaluated. Loads the saved state that shares the most leading tokens with
 * `prefix` (at least {@link MIN_SHARED_TOKENS}) once its file checks out (sidecar key, size and sha256, then the loaded
 * tokens themselves), erases what it holds past the shared part, and evaluates only the rest of `prefix`. When
 * `prefix` is not what the loaded state held, its state is saved once (temp file, then rename; the sidecar last) and
 * files past the newest {@link KEEP_FILES} and the byte cap are removed. A file that fails any check is removed, never
 * loaded. Never throws for a cache problem (the outcome says what happened); an evaluation error is thrown, as the
 * completion's own would be.
 */
export async function restoreOrSavePrefix(
  sequence: StateSequence,
  prefix: readonly number[],
  setupHash: string,
  options: { dir: string; maxBytes: number },
): Promise<PrefixCacheUse> {
  const key = prefixCacheKey(setupHash, prefix);
  const { sidecars, rejected: unreadable } = await readSidecars(options.dir, setupHash);
  if (overCapFor(sidecars, prefix.length, options.maxBytes))
    return { outcome: "over-cap", prefixTokens: prefix.length };
  const best = closestState(sidecars, prefix);
  let rejected = unreadable;
  if (best !== undefined) {
    const loaded = await loadVerified(sequence, options.dir, best.sidecar);
    if (loaded.ok) return extendLoaded(sequence, prefix, key, best, loaded.use, options);
    rejected = loaded.reason;
    await removeEntry(options.dir, best.sidecar.key);
  }
  const evalStarted = performance.now();
  await sequence.evaluateWithoutGeneratingNewTokens([...prefix]);
  const prefixEvalMs = Math.round(performance.now() - evalStarted);
  const saved = await saveState(sequence, prefix, key, setupHash, options);
  return {
    ...saved,
    prefixTokens: prefix.length,
    prefixEvalMs,
    ...(rejected !== undefined ? { rejected } : {}),
  };
}

/**
 * After a verified load of `best`: erases the loaded tokens past the shared part, then either the prefix is whole
 * (`hit`; nothing written) or the rest of it is evaluated and its state saved (`extended`).
 */
async function extendLoaded(
  sequence: StateSequence,
  prefix: readonly number[],
  key: string,
  best: { sidecar: Sidecar; shared: number },
  loaded: { stateFileBytes: number; loadMs: number },
  options: { dir: string; maxBytes: number },
): Promise<PrefixCacheUse> {
  const { sidecar, shared } = best;
  if (shared < sidecar.tokens.length)
    await sequence.eraseContextTokenRanges([{ start: shared, end: sidecar.tokens.length }]);
  const loadedUse = { prefixTokens: prefix.length, loadedTokens: shared, loadMs: loaded.loadMs };
  if (shared === prefix.length) return { outcome: "hit", stateFileBytes: loaded.stateFileBytes, ...loadedUse };
  const evalStarted = performance.now();
  await sequence.evaluateWithoutGeneratingNewTokens(prefix.slice(shared));
  const extendEvalMs = Math.round(performance.now() - evalStarted);
  const saved = await saveState(sequence, prefix, key, sidecar.setup, options);
  return {
    ...saved,
    ...(saved.outcome === "written" ? { outcome: "extended" } : {}),
    ...loadedUse,
    extendEvalMs,
  };
}

/** Whether a state of this setup was once too big for the cap with at most `tokens` tokens: a longer one is too. */
function overCapFor(sidecars: readonly Sidecar[], tokens: number, maxBytes: number): boolean {
  return sidecars.some(
    (sidecar) => sidecar.overCap === true && sidecar.tokens.length <= tokens && sidecar.bytes > maxBytes,
  );
}

/** The kept state sharing the most leading tokens with `prefix`, when it shares at least {@link MIN_SHARED_TOKENS}. */
function closestState(
  sidecars: readonly Sidecar[],
  prefix: readonly number[],
): { sidecar: Sidecar; shared: number } | undefined {
  let best: { sidecar: Sidecar; shared: number } | undefined;
  for (const sidecar of sidecars) {
    if (sidecar.overCap === true) continue;
    const shared = sharedPrefixLength(sidecar.tokens, prefix);
    if (shared >= MIN_SHARED_TOKENS && shared > (best?.shared ?? 0)) best = { sidecar, shared };
  }
  return best;
}

/**
 * The sidecars in `dir` saved under `setupHash`. One that is not JSON, of another version, or whose name, setup and
 * tokens do not hash to its key is removed with its state file, and the first such reason returned as `rejected`.
 * Sidecars of another setup (another model or context) are left alone: they age out with the rest.
 */
async function readSidecars(dir: string, setupHash: string): Promise<{ sidecars: Sidecar[]; rejected?: string }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { sidecars: [] };
    return { sidecars: [], rejected: `cache unreadable: ${describeError(error)}` };
  }
  const sidecars: Sidecar[] = [];
  let rejected: string | undefined;
  for (const name of names.filter((each) => /^[0-9a-f]{32}\.json$/.test(each))) {
    const key = name.slice(0, -".json".length);
    const read = await readSidecar(dir, key);
    if (read.ok && read.sidecar.setup !== setupHash) continue;
    if (read.ok) sidecars.push(read.sidecar);
    else {
      rejected ??= read.reason;
      await removeEntry(dir, key);
    }
  }
  return { sidecars, ...(rejected !== undefined ? { rejected } : {}) };
}

/** The sidecar `<key>.json`, checked: JSON, this version, whole, and its setup and tokens hash to its key. */
async function readSidecar(
  dir: string,
  key: string,
): Promise<{ ok: true; sidecar: Sidecar } | { ok: false; reason: string }> {
  let sidecar: Partial<Sidecar>;
  try {
    sidecar = JSON.parse(await readFile(path.join(dir, `${key}.json`), "utf8")) as Partial<Sidecar>;
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof SyntaxError ? "sidecar is not JSON" : `sidecar unreadable: ${describeError(error)}`,
    };
  }
  if (sidecar.version !== SIDECAR_VERSION || typeof sidecar.setup !== "string" || !isTokenList(sidecar.tokens))
    return { ok: false, reason: "sidecar is not one this version wrote" };
  if (sidecar.key !== key || prefixCacheKey(sidecar.setup, sidecar.tokens) !== key)
    return { ok: false, reason: "sidecar does not match its key" };
  if (typeof sidecar.bytes !== "number" || typeof sidecar.sha256 !== "string")
    return { ok: false, reason: "sidecar lacks size or sha256" };
  return { ok: true, sidecar: sidecar as Sidecar };
}

function isTokenList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((token) => Number.isInteger(token) && token >= 0);
}

/** Loads the state file of `sidecar` after checking its size and sha256, then checks the tokens it brought. */
async function loadVerified(
  sequence: StateSequence,
  dir: string,
  sidecar: Sidecar,
): Promise<{ ok: true; use: { stateFileBytes: number; loadMs: number } } | { ok: false; reason: string }> {
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
  if (!sameTokens(sequence.contextTokens, sidecar.tokens)) {
    await sequence.clearHistory();
    return { ok: false, reason: "state file holds other tokens than its sidecar names" };
  }
  return { ok: true, use: { stateFileBytes: digest.bytes, loadMs: Math.round(performance.now() - started) } };
}

/** Saves the sequence's state (the prefix alone) as `<key>.bin` with its sidecar, then trims the cache. */
async function saveState(
  sequence: StateSequence,
  tokens: readonly number[],
  key: string,
  setup: string,
  options: { dir: string; maxBytes: number },
): Promise<Omit<PrefixCacheUse, "prefixTokens">> {
  const started = performance.now();
  const target = path.join(options.dir, `${key}.bin`);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    await sequence.saveStateToFile(temp);
    // llama.cpp creates the file with the process's umask; the state is the daemon's alone, like its sidecar.
    await chmod(temp, 0o600);
    const digest = await hashFile(temp);
    const overCap = digest.bytes > options.maxBytes;
    if (overCap) await rm(temp, { force: true });
    else await rename(temp, target);
    const sidecar: Sidecar = {
      version: SIDECAR_VERSION,
      key,
      setup,
      tokens: [...tokens],
      ...digest,
      ...(overCap ? { overCap } : {}),
    };
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
