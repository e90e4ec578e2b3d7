// Git's loose objects and refs, read and written natively (node:crypto and node:zlib) for the per-cycle history
// commit: isomorphic-git stays for everything else, and is not loaded at all in a cycle whose history needs no more.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { deflate, inflate } from "node:zlib";
import { ifMissing } from "../memory/if-missing.js";

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

export type ObjectType = "blob" | "tree" | "commit";

/** The id git gives an object: SHA-1 over `<type> <size>\0` and the content. */
export function objectId(type: ObjectType, content: Uint8Array): string {
  return createHash("sha1").update(`${type} ${content.length}\0`).update(content).digest("hex");
}

function objectPath(gitdir: string, oid: string): string {
  return path.join(gitdir, "objects", oid.slice(0, 2), oid.slice(2));
}

/**
 * Stores an object as a loose object (deflated at the fastest level) unless it is there already, written whole under
 * a temp name and renamed, and returns its id (`oid` when the caller has it already).
 */
export async function writeLooseObject(
  gitdir: string,
  type: ObjectType,
  content: Uint8Array,
  oid = objectId(type, content),
): Promise<string> {
  const file = objectPath(gitdir, oid);
  if (fs.existsSync(file)) return oid;
  const deflated = await deflateAsync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]), {
    level: 1,
  });
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, deflated);
  await rename(temp, file);
  return oid;
}

/** A loose object's type and content, or `undefined` when it is not a loose object (packed by plain git, or absent). */
export async function readLooseObject(
  gitdir: string,
  oid: string,
): Promise<{ type: string; content: Buffer } | undefined> {
  let raw: Buffer;
  try {
    raw = await readFile(objectPath(gitdir, oid));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const inflated = await inflateAsync(raw);
  const nul = inflated.indexOf(0);
  const [type, size] = inflated.subarray(0, nul).toString("latin1").split(" ");
  const content = inflated.subarray(nul + 1);
  if (type === undefined || Number(size) !== content.length) throw new Error(`git object ${oid} is damaged`);
  return { type, content };
}

export interface TreeEntry {
  /** `100644` for a file, `40000` for a folder. */
  mode: "100644" | "40000";
  name: string;
  oid: string;
}

/** A tree object's content: entries in git's order (byte order of the name, a folder's name read with a `/` after it). */
export function renderTree(entries: readonly TreeEntry[]): Buffer {
  const key = (entry: TreeEntry): Buffer => Buffer.from(entry.mode === "40000" ? `${entry.name}/` : entry.name);
  const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
  return Buffer.concat(
    sorted.flatMap((entry) => [Buffer.from(`${entry.mode} ${entry.name}\0`), Buffer.from(entry.oid, "hex")]),
  );
}

/** The entries of a tree object's content. */
export function parseTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (let at = 0; at < content.length;) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new Error("git tree is damaged");
    const mode = content.subarray(at, space).toString("latin1");
    entries.push({
      mode: mode === "40000" || mode === "040000" ? "40000" : "100644",
      name: content.subarray(space + 1, nul).toString("utf8"),
      oid: content.subarray(nul + 1, nul + 21).toString("hex"),
    });
    at = nul + 21;
  }
  return entries;
}

/** A commit object's content; the message gets the final newline git's own commits have. */
export function renderCommit(commit: {
  tree: string;
  parent?: string;
  author: string;
  timestamp: number;
  message: string;
}): Buffer {
  const signature = `${commit.author} ${commit.timestamp} +0000`;
  const headers = [
    `tree ${commit.tree}`,
    ...(commit.parent !== undefined ? [`parent ${commit.parent}`] : []),
    `author ${signature}`,
    `committer ${signature}`,
  ];
  return Buffer.from(
    `${headers.join("\n")}\n\n${commit.message.endsWith("\n") ? commit.message : `${commit.message}\n`}`,
  );
}

/** The tree and parents named by a commit object's content. */
export function parseCommitHeaders(content: Buffer): { tree: string; parents: string[] } {
  const head = content.subarray(0, content.indexOf("\n\n")).toString("utf8").split("\n");
  const tree = head.find((line) => line.startsWith("tree "))?.slice(5);
  if (tree === undefined) throw new Error("git commit is damaged: no tree");
  return { tree, parents: head.filter((line) => line.startsWith("parent ")).map((line) => line.slice(7)) };
}

/**
 * The ref HEAD points at (`refs/heads/main`) and the commit it names, read from `HEAD`, the loose ref and
 * `packed-refs`; `oid` is `undefined` before the first commit. `undefined` for a HEAD this does not read (detached):
 * the caller asks isomorphic-git then.
 */
export async function readHeadRef(gitdir: string): Promise<{ ref: string; oid: string | undefined } | undefined> {
  const head = (await readFile(path.join(gitdir, "HEAD"), "utf8")).trim();
  if (!head.startsWith("ref: ")) return undefined;
  const ref = head.slice(5);
  const loose = await readFile(path.join(gitdir, ref), "utf8").catch(ifMissing(undefined));
  if (loose !== undefined) return { ref, oid: loose.trim() };
  const packed = await readFile(path.join(gitdir, "packed-refs"), "utf8").catch(ifMissing(""));
  const line = packed.split("\n").find((candidate) => candidate.endsWith(` ${ref}`));
  return { ref, oid: line?.slice(0, 40) };
}

/** Points `ref` at `oid`: the ref file is written whole under a temp name and renamed, as git does. */
export async function writeRef(gitdir: string, ref: string, oid: string): Promise<void> {
  const file = path.join(gitdir, ref);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.lock`;
  await writeFile(temp, `${oid}\n`);
  await rename(temp, file);
}
