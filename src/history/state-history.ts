// The state dir's history: one git commit per cycle (isomorphic-git, pure JS) in `.history/`, with the state dir as work tree.
import fs from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { writeFileDurably } from "../memory/durable-write.js";
import { ifMissing } from "../memory/if-missing.js";
import {
  objectId,
  parseCommitHeaders,
  parseTree,
  readHeadRef,
  readLooseObject,
  renderCommit,
  renderTree,
  writeLooseObject,
  writeRef,
  type ObjectType,
  type TreeEntry,
} from "./git-objects.js";
import type { StatePaths } from "../memory/state-paths.js";
import { toOneLine } from "../text/safe-text.js";
import type IsomorphicGit from "isomorphic-git";

/** Files at the top of the state dir that history keeps: what operators edit and what rollback restores. */
export const TRACKED_FILES = [
  "README.md",
  "charter.md",
  "goals.yaml",
  "config.json",
  "db.json",
  "lessons.json",
  "lessons-changes.jsonl",
  "lessons.md",
] as const;
/** Folders whose Markdown files history keeps. */
export const TRACKED_DIRS = ["journal"] as const;

/** The tracked files and folders in words (`README.md, …, lessons.md and journal/*.md`), for help and messages. */
export function describeTracked(): string {
  const items = [...TRACKED_FILES, ...TRACKED_DIRS.map((dir) => `${dir}/*.md`)];
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`;
}

/**
 * isomorphic-git, imported on first use: it is large (see docs/PERFORMANCE.md, "Modules imported on first use"), and
 * a daemon waiting for work has no history to write.
 */
type Git = typeof IsomorphicGit;
let gitModule: Promise<Git> | undefined;
function loadGit(): Promise<Git> {
  gitModule ??= import("isomorphic-git").then((module) => module.default);
  return gitModule;
}

const AUTHOR = { name: "Apprentice", email: "apprentice@localhost" };
const BRANCH = "main";
/** Trailer lines in commit messages; `history` reads them back. */
const CYCLE_TRAILER = "Apprentice-Cycle";
const EVENT_TRAILER = "Apprentice-Event";

/** What a history entry records: a cycle, an operator change, a rollback or a fork. */
export type HistoryEvent = "cycle" | "operator" | "rollback" | "fork";

export interface HistoryEntry {
  oid: string;
  event: HistoryEvent;
  /** The state's cycle count when the entry was made. */
  cycle?: number;
  /** ISO time of the commit. */
  at: string;
  /** First line of the message. */
  subject: string;
  /** The rest of the message without trailers (for a cycle: what was learned). */
  body: string;
}

export interface HistoryRecord {
  event: HistoryEvent;
  cycle: number;
  subject: string;
  /** Extra lines, e.g. one per learning change. */
  lines?: readonly string[];
  now: Date;
  /** Record the entry even when no tracked file changed (a fork marks where it began). */
  allowEmpty?: boolean;
}

/** One changed file of an entry against its parent; `patch` is a unified diff for text files. */
export interface HistoryFileChange {
  path: string;
  change: "added" | "modified" | "deleted";
  patch: string;
}

/** A state dir's history, or the reason it cannot be read. */
export class HistoryError extends Error {}

function isTracked(filepath: string): boolean {
  if ((TRACKED_FILES as readonly string[]).includes(filepath)) return true;
  return TRACKED_DIRS.some(
    (dir) =>
      filepath.startsWith(`${dir}/`) && filepath.endsWith(".md") && !filepath.slice(dir.length + 1).includes("/"),
  );
}

function repo(paths: StatePaths): { fs: typeof fs; dir: string; gitdir: string } {
  return { fs, dir: paths.root, gitdir: paths.history };
}

/**
 * Commits the tracked files as they are now. Returns the new commit id, or `undefined` when nothing changed since
 * the last entry. Creates `.history/` on first use. The caller holds the state lock.
 *
 * Each file is hashed natively and compared with the last entry's tree; only a changed file is stored, as a loose
 * object deflated at the fastest level. The trees and the commit are written natively too (git-objects.ts), and the
 * branch is moved by a whole-file rename, so a cycle's history never loads isomorphic-git. `.history` keeps no index,
 * since staging through one costs more than the rest of the commit (see docs/PERFORMANCE.md, "The history commit");
 * `git log`, `git show` and `git diff` between commits work as usual.
 */
export async function recordHistory(paths: StatePaths, record: HistoryRecord): Promise<string | undefined> {
  if (!fs.existsSync(path.join(paths.history, "HEAD"))) {
    const git = await loadGit();
    await git.init({ ...repo(paths), defaultBranch: BRANCH });
  }
  const headRef = await readHeadRef(paths.history);
  if (headRef === undefined)
    throw new HistoryError(
      `${paths.history}/HEAD does not name a branch (checked out by hand?); run \`git --git-dir=${paths.history} checkout ${BRANCH}\``,
    );
  const head = headRef.oid;
  const before = head === undefined ? new Map<string, string>() : await readHeadTree(paths, head);
  const after = new Map<string, string>();
  let changed = false;
  // Stats are asked for all at once (a year of journal days is hundreds of files); the new objects are collected, then
  // written side by side, and only the ref waits for all of them, so no entry ever names an object that is not there.
  const tracked = await listTrackedNow(paths);
  const stats = await Promise.all(
    tracked.map((filepath) => fs.promises.stat(path.join(paths.root, filepath), { bigint: true })),
  );
  // By id: the same object twice in one entry (two journal days alike) is written once, as both writes would share a temp file.
  const objects = new Map<string, { type: ObjectType; content: Buffer }>();
  const store = (type: ObjectType, content: Buffer, oid = objectId(type, content)): string => {
    objects.set(oid, { type, content });
    return oid;
  };
  for (const [index, filepath] of tracked.entries()) {
    const file = path.join(paths.root, filepath);
    const fileStats = stats[index] as fs.BigIntStats;
    const known = knownBlobs.get(file);
    // A file this process already hashed and that was not touched since keeps its id: no read, no hash.
    if (known !== undefined && before.get(filepath) === known.oid && sameStats(known, fileStats)) {
      after.set(filepath, known.oid);
      continue;
    }
    const content = await readFile(file);
    const oid = blobOid(content);
    knownBlobs.set(file, {
      oid,
      ino: fileStats.ino,
      size: fileStats.size,
      mtimeNs: fileStats.mtimeNs,
      ctimeNs: fileStats.ctimeNs,
    });
    after.set(filepath, oid);
    if (before.get(filepath) === oid) continue;
    store("blob", content, oid);
    changed = true;
  }
  // A tracked file that is gone (lessons-changes.jsonl after lessons.json was rewritten, an old journal day).
  if ([...before.keys()].some((filepath) => !after.has(filepath))) changed = true;
  if (!changed && record.allowEmpty !== true) return undefined;
  const message = renderMessage(record);
  const tree = stateTree(after, store);
  const commit = renderCommit({
    tree,
    ...(head !== undefined ? { parent: head } : {}),
    author: `${AUTHOR.name} <${AUTHOR.email}>`,
    timestamp: Math.floor(record.now.getTime() / 1000),
    message,
  });
  const oid = store("commit", commit);
  await Promise.all(
    [...objects].map(([id, object]) => writeLooseObject(paths.history, object.type, object.content, id)),
  );
  await writeRef(paths.history, headRef.ref, oid);
  headTrees.set(paths.history, { commit: oid, files: after });
  // An index left by an older Apprentice would only mislead `git status`.
  if (!indexChecked.has(paths.history)) {
    await rm(path.join(paths.history, "index"), { force: true });
    indexChecked.add(paths.history);
  }
  return oid;
}

const indexChecked = new Set<string>();

/** The tree of one entry: the tracked top-level files, and `journal/` as a subtree. `store` keeps each tree object and returns its id. */
function stateTree(files: ReadonlyMap<string, string>, store: (type: "tree", content: Buffer) => string): string {
  const top: TreeEntry[] = [];
  const folders = new Map<string, TreeEntry[]>();
  for (const [filepath, oid] of files) {
    const slash = filepath.indexOf("/");
    if (slash < 0) top.push({ mode: "100644", name: filepath, oid });
    else {
      const folder = filepath.slice(0, slash);
      const entries = folders.get(folder) ?? [];
      entries.push({ mode: "100644", name: filepath.slice(slash + 1), oid });
      folders.set(folder, entries);
    }
  }
  for (const [folder, entries] of folders)
    top.push({ mode: "40000", name: folder, oid: store("tree", renderTree(entries)) });
  return store("tree", renderTree(top));
}

/** The tracked files of the newest entry this process wrote or read, by git dir: a cycle reads no tree back. */
const headTrees = new Map<string, { commit: string; files: ReadonlyMap<string, string> }>();

/**
 * Blob ids of tracked files as this process last hashed them, with the file's identity then. The state's writers
 * replace files by rename (a new inode each time) and an editor's save changes the mtime and ctime (nanoseconds), so a
 * file whose inode, size, mtime and ctime are all unchanged has the same content, and is not read and hashed again
 * (a large lessons.json would cost more than the rest of the commit; see docs/PERFORMANCE.md, "The history commit").
 */
const knownBlobs = new Map<string, { oid: string; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }>();

function sameStats(
  known: { ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint },
  stats: fs.BigIntStats,
): boolean {
  return (
    known.ino === stats.ino &&
    known.size === stats.size &&
    known.mtimeNs === stats.mtimeNs &&
    known.ctimeNs === stats.ctimeNs
  );
}

/** The git id of a blob: SHA-1 over `blob <size>\0` and the content. */
export function blobOid(content: Uint8Array): string {
  return objectId("blob", content);
}

/** Tracked path → blob id in `head`, the newest entry. */
async function readHeadTree(paths: StatePaths, head: string): Promise<ReadonlyMap<string, string>> {
  const cached = headTrees.get(paths.history);
  if (cached?.commit === head) return cached.files;
  const files = new Map<string, string>();
  const commit = await readObject(paths, head, "commit");
  for (const entry of parseTree(await readObject(paths, parseCommitHeaders(commit).tree, "tree"))) {
    if (entry.mode === "100644" && isTracked(entry.name)) files.set(entry.name, entry.oid);
    if (entry.mode !== "40000" || !(TRACKED_DIRS as readonly string[]).includes(entry.name)) continue;
    for (const child of parseTree(await readObject(paths, entry.oid, "tree"))) {
      const filepath = `${entry.name}/${child.name}`;
      if (child.mode === "100644" && isTracked(filepath)) files.set(filepath, child.oid);
    }
  }
  headTrees.set(paths.history, { commit: head, files });
  return files;
}

/** An object's content: read natively when it is loose, through isomorphic-git when plain git has packed it. */
async function readObject(paths: StatePaths, oid: string, type: "commit" | "tree"): Promise<Buffer> {
  const loose = await readLooseObject(paths.history, oid);
  if (loose !== undefined) {
    if (loose.type !== type) throw new HistoryError(`git object ${oid} is a ${loose.type}, not a ${type}`);
    return loose.content;
  }
  const git = await loadGit();
  const { object } = await git.readObject({ ...repo(paths), oid, format: "content" });
  return Buffer.from(object as Uint8Array);
}

/** Entries newest first, at most `limit`. An absent history is empty. */
export async function listHistory(paths: StatePaths, limit?: number): Promise<HistoryEntry[]> {
  const git = await loadGit();
  if (!fs.existsSync(path.join(paths.history, "HEAD"))) return [];
  try {
    const commits = await git.log({ ...repo(paths), ref: BRANCH, ...(limit !== undefined ? { depth: limit } : {}) });
    return commits.map((entry) => parseEntry(entry.oid, entry.commit.message, entry.commit.committer.timestamp));
  } catch (error) {
    // A history with no commit yet has no branch.
    if (error instanceof git.Errors.NotFoundError) return [];
    throw error;
  }
}

/** The newest entry recorded after `cycle` (the state as it was after that cycle), or `undefined`. */
export async function findCycleEntry(paths: StatePaths, cycle: number): Promise<HistoryEntry | undefined> {
  const entries = await listHistory(paths);
  return entries.find((entry) => entry.event === "cycle" && entry.cycle === cycle);
}

/** The files an entry changed against its parent, with unified diffs of their text. */
export async function diffEntry(paths: StatePaths, entry: HistoryEntry): Promise<HistoryFileChange[]> {
  const git = await loadGit();
  const options = repo(paths);
  const { commit } = await git.readCommit({ ...options, oid: entry.oid });
  // The oldest kept entry of a pruned history has its parent listed in `shallow`, and the parent is gone.
  const parent = (await readShallow(paths)).has(entry.oid) ? undefined : commit.parent[0];
  const after = await readTree(paths, entry.oid);
  const before = parent !== undefined ? await readTree(paths, parent) : new Map<string, string>();
  const changes: HistoryFileChange[] = [];
  for (const filepath of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const old = before.get(filepath);
    const now = after.get(filepath);
    if (old === now) continue;
    const change = old === undefined ? "added" : now === undefined ? "deleted" : "modified";
    const oldText = old !== undefined ? await readBlobText(paths, old) : "";
    const newText = now !== undefined ? await readBlobText(paths, now) : "";
    const { createTwoFilesPatch } = await import("diff");
    const patch = createTwoFilesPatch(`a/${filepath}`, `b/${filepath}`, oldText, newText, "", "", { context: 2 });
    // Without jsdiff's "=====" rule, and without the tab it puts after an empty header.
    const body = patch
      .split("\n")
      .slice(1)
      .map((line) => (line.startsWith("--- ") || line.startsWith("+++ ") ? line.replace(/\t$/, "") : line));
    changes.push({ path: filepath, change, patch: body.join("\n") });
  }
  return changes;
}

/**
 * Writes the tracked files as they were at `entry` back into the state dir (each durably), and deletes tracked
 * files that did not exist then. Returns the paths it wrote or deleted. The caller holds the state lock.
 */
export async function restoreEntry(paths: StatePaths, entry: HistoryEntry): Promise<string[]> {
  const git = await loadGit();
  const then = await readTree(paths, entry.oid);
  const touched: string[] = [];
  for (const [filepath, oid] of then) {
    const content = Buffer.from((await git.readBlob({ ...repo(paths), oid })).blob);
    const target = path.join(paths.root, filepath);
    const current = await readFile(target).catch(() => undefined);
    if (current !== undefined && current.equals(content)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFileDurably(target, content);
    touched.push(filepath);
  }
  for (const filepath of await listTrackedNow(paths)) {
    if (then.has(filepath)) continue;
    await rm(path.join(paths.root, filepath), { force: true });
    touched.push(`${filepath} (removed: it did not exist then)`);
  }
  return touched.sort();
}

/** Tracked files present in the state dir now. */
async function listTrackedNow(paths: StatePaths): Promise<string[]> {
  const found: string[] = TRACKED_FILES.filter((file) => fs.existsSync(path.join(paths.root, file)));
  for (const dir of TRACKED_DIRS) {
    const names = await fs.promises.readdir(path.join(paths.root, dir)).catch(() => [] as string[]);
    found.push(...names.map((name) => `${dir}/${name}`).filter(isTracked));
  }
  return found;
}

/** Tracked path → blob id at a commit. */
async function readTree(paths: StatePaths, oid: string): Promise<Map<string, string>> {
  const git = await loadGit();
  const files = new Map<string, string>();
  const options = repo(paths);
  for (const filepath of await git.listFiles({ ...options, ref: oid })) {
    if (!isTracked(filepath)) continue;
    const { oid: blob } = await git.readBlob({ ...options, oid, filepath });
    files.set(filepath, blob);
  }
  return files;
}

async function readBlobText(paths: StatePaths, oid: string): Promise<string> {
  const git = await loadGit();
  const { blob } = await git.readBlob({ ...repo(paths), oid });
  return Buffer.from(blob).toString("utf8");
}

/**
 * The commit message: the subject, a blank line, the extra lines, then the trailers. The subject and every line go
 * through `toOneLine` (newlines as `\n`, controls as `\x1b`): they carry world and model text (a finish summary, a
 * failure reason, lesson text), which must neither add lines of its own (a fake trailer, a fake entry in `history`)
 * nor drive the terminal that shows it.
 */
function renderMessage(record: HistoryRecord): string {
  const lines = (record.lines ?? []).map((line) => toOneLine(line));
  const trailers = [`${EVENT_TRAILER}: ${record.event}`, `${CYCLE_TRAILER}: ${Math.trunc(record.cycle)}`];
  return [toOneLine(record.subject), "", ...lines, ...(lines.length > 0 ? [""] : []), ...trailers].join("\n");
}

function parseEntry(oid: string, message: string, timestamp: number): HistoryEntry {
  const lines = message.replace(/\n+$/, "").split("\n");
  // The trailers are the message's last lines: only those count, so no line of the subject or body can stand in for one.
  let end = lines.length;
  while (end > 1 && [EVENT_TRAILER, CYCLE_TRAILER].some((name) => (lines[end - 1] ?? "").startsWith(`${name}: `)))
    end -= 1;
  const trailers = lines.slice(end);
  const trailer = (name: string): string | undefined =>
    trailers.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
  const event = trailer(EVENT_TRAILER);
  const cycle = Number(trailer(CYCLE_TRAILER));
  const body = lines.slice(1, end).join("\n").trim();
  return {
    oid,
    event: event === "operator" || event === "rollback" || event === "fork" ? event : "cycle",
    ...(Number.isInteger(cycle) ? { cycle } : {}),
    at: new Date(timestamp * 1000).toISOString(),
    subject: lines[0] ?? "",
    body,
  };
}

/** What {@link pruneHistory} did. */
export interface HistoryPrune {
  /** Entries kept (the newest). */
  kept: number;
  /** Loose objects deleted: the older entries' commits, and trees and file versions no kept entry holds. */
  deletedObjects: number;
}

/**
 * Keeps the newest `keepEntries` entries once there are half as many again: the oldest kept entry is listed in
 * `.history/shallow` (git's own mark for "history is cut here", which plain git and isomorphic-git both honour), so
 * nothing is rewritten, and then every loose object no kept entry reaches is deleted. Returns `undefined` when there
 * were few enough entries, or when `.history` has other branches or tags, whose objects an operator may want.
 *
 * A crash after `shallow` is written leaves only unreachable objects behind, and the next prune deletes them. The
 * caller holds the state lock.
 */
export async function pruneHistory(paths: StatePaths, keepEntries: number): Promise<HistoryPrune | undefined> {
  if (!fs.existsSync(path.join(paths.history, "HEAD"))) return undefined;
  const headRef = await readHeadRef(paths.history);
  if (headRef?.oid === undefined) return undefined;
  const limit = Math.floor(keepEntries * 1.5);
  const shallow = await readShallow(paths);
  const chain: Array<{ oid: string; tree: string }> = [];
  for (let oid: string | undefined = headRef.oid; oid !== undefined && chain.length <= limit;) {
    const { tree, parents } = parseCommitHeaders(await readObject(paths, oid, "commit"));
    // A merge made with plain git: its other side would need walking too; such a history is left whole.
    if (parents.length > 1) return undefined;
    chain.push({ oid, tree });
    oid = shallow.has(oid) ? undefined : parents[0];
  }
  if (chain.length <= limit) return undefined;
  if (await hasOtherRefs(paths.history, headRef.ref)) return undefined;
  const kept = chain.slice(0, keepEntries);
  const oldest = kept.at(-1);
  if (oldest === undefined) return undefined;
  await writeFileDurably(path.join(paths.history, "shallow"), `${oldest.oid}\n`);
  const reachable = new Set<string>();
  for (const { oid, tree } of kept) {
    reachable.add(oid);
    await collectTree(paths, tree, reachable);
  }
  let deletedObjects = 0;
  const objects = path.join(paths.history, "objects");
  for (const folder of await readdir(objects).catch(ifMissing([] as string[]))) {
    if (!/^[0-9a-f]{2}$/.test(folder)) continue;
    for (const name of await readdir(path.join(objects, folder))) {
      // A temp file of a write cut short by a crash is as dead as an unreachable object.
      if (reachable.has(`${folder}${name}`) && /^[0-9a-f]{38}$/.test(name)) continue;
      await rm(path.join(objects, folder, name), { force: true });
      deletedObjects += 1;
    }
  }
  return { kept: kept.length, deletedObjects };
}

/** Whether `.history` has a branch or tag besides `ref`, loose or packed (made with plain git). */
async function hasOtherRefs(gitdir: string, ref: string): Promise<boolean> {
  const walk = async (dir: string, prefix: string): Promise<string[]> => {
    const found: string[] = [];
    for (const entry of await fs.promises.readdir(dir, { withFileTypes: true }).catch(ifMissing([] as fs.Dirent[]))) {
      if (entry.isDirectory()) found.push(...(await walk(path.join(dir, entry.name), `${prefix}${entry.name}/`)));
      else if (!entry.name.endsWith(".lock")) found.push(`${prefix}${entry.name}`);
    }
    return found;
  };
  const loose = [
    ...(await walk(path.join(gitdir, "refs", "heads"), "refs/heads/")),
    ...(await walk(path.join(gitdir, "refs", "tags"), "refs/tags/")),
  ];
  const packed = (await readFile(path.join(gitdir, "packed-refs"), "utf8").catch(ifMissing("")))
    .split("\n")
    .filter((line) => /^[0-9a-f]{40} refs\/(heads|tags)\//.test(line))
    .map((line) => line.slice(41));
  return [...loose, ...packed].some((name) => name !== ref);
}

/** Adds a tree and everything under it to `into`; a tree already there was walked before. */
async function collectTree(paths: StatePaths, oid: string, into: Set<string>): Promise<void> {
  if (into.has(oid)) return;
  into.add(oid);
  for (const entry of parseTree(await readObject(paths, oid, "tree"))) {
    if (entry.mode === "40000") await collectTree(paths, entry.oid, into);
    else into.add(entry.oid);
  }
}

/** Commits listed in `.history/shallow`: their parents were pruned. */
async function readShallow(paths: StatePaths): Promise<Set<string>> {
  const text = await readFile(path.join(paths.history, "shallow"), "utf8").catch(ifMissing(""));
  return new Set(text.split("\n").filter((line) => /^[0-9a-f]{40}$/.test(line)));
}
