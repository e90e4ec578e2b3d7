// The file-tool half of the sandbox-escape corpus: `..` and absolute spellings, odd names, NUL and length, size caps, links, /proc, and check-then-use races.
import { renameSync, symlinkSync, writeFileSync } from "node:fs";
import { link, lstat, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { appendFileTool } from "../../src/tools/append-file.js";
import { listDirTool } from "../../src/tools/list-dir.js";
import { readFileTool } from "../../src/tools/read-file.js";
import type { Tool, ToolOutcome } from "../../src/tools/tool.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { describeOutcome, type EscapeCase, type EscapeFixture } from "./sandbox-escapes-fixture.js";

/** A path, or one built from the fixture (absolute attacks need its real locations). */
type PathSpec = string | ((fixture: EscapeFixture) => string);

const DOTDOT = /contains "\.\.", which is not allowed/;
const ABSOLUTE = /is absolute; use a path relative to the workspace/;
/** File tools follow no link in any component: a link anywhere on the path is refused by name, wherever it leads. */
const LINK = /is a symbolic link; file tools do not follow links/;
const HARD_LINKS = /has 2 hard links/;

function resolveSpec(spec: PathSpec, fixture: EscapeFixture): string {
  return typeof spec === "string" ? spec : spec(fixture);
}

function callTool(tool: Tool, spec: PathSpec, content?: string): (fixture: EscapeFixture) => Promise<ToolOutcome> {
  return (fixture) => {
    const args: Record<string, unknown> = { path: resolveSpec(spec, fixture) };
    if (content !== undefined) args.content = content;
    return tool.execute(args, fixture.context);
  };
}

const read = (spec: PathSpec) => callTool(readFileTool, spec);
const list = (spec: PathSpec) => callTool(listDirTool, spec);
const write = (spec: PathSpec, content = "pwned\n") => callTool(writeFileTool, spec, content);
const append = (spec: PathSpec, content = "pwned\n") => callTool(appendFileTool, spec, content);

/** Plants a symlink `name` in the workspace pointing at `target` (a spec: absolute targets come from the fixture). */
function plantSymlink(name: string, target: PathSpec): (fixture: EscapeFixture) => Promise<void> {
  return async (fixture) => {
    await mkdir(path.dirname(path.join(fixture.workspace, name)), { recursive: true });
    await symlink(resolveSpec(target, fixture), path.join(fixture.workspace, name));
  };
}

/** Plants a hard link `name` in the workspace to the outside file `outsideName`. */
function plantHardLink(name: string, outsideName: string): (fixture: EscapeFixture) => Promise<void> {
  return (fixture) => link(path.join(fixture.outside, outsideName), path.join(fixture.workspace, name));
}

/** A legal but odd name must land inside the workspace under exactly that name. */
function expectInside(
  relPath: (fixture: EscapeFixture) => string,
): (fixture: EscapeFixture, outcome: ToolOutcome) => Promise<string[]> {
  return async (fixture, outcome) => {
    if (!outcome.ok) return [`a legal name was refused: ${outcome.error}`];
    const stats = await lstat(path.join(fixture.workspace, relPath(fixture)));
    return stats.isFile() ? [] : ["the literal name did not become a regular file inside the workspace"];
  };
}

/** A refused write or append must leave the workspace file as it was. */
function expectUnchanged(relPath: string, content: string): (fixture: EscapeFixture) => Promise<string[]> {
  return async (fixture) => {
    const now = await readFile(path.join(fixture.workspace, relPath), "utf8");
    return now === content ? [] : [`${relPath} changed to ${now.length} characters`];
  };
}

/**
 * Calls `tool` on `swap.txt` `rounds` times while the event loop keeps replacing it, between every await the tool
 * makes, by a regular file or a symlink to `outsideName`. ok:false ("none escaped") when nothing leaked and the swaps
 * really interleaved; ok:true with the evidence otherwise, so the case fails.
 */
function raceSwap(tool: Tool, outsideName: string, rounds: number): (fixture: EscapeFixture) => Promise<ToolOutcome> {
  return async (fixture) => {
    const target = path.join(fixture.workspace, "swap.txt");
    await writeFile(target, "inside\n");
    let swaps = 0;
    let running = true;
    const swap = (): void => {
      if (!running) return;
      const temp = path.join(fixture.workspace, `.swap-${swaps}`);
      if (swaps % 2 === 0) symlinkSync(path.join(fixture.outside, outsideName), temp);
      else writeFileSync(temp, "inside\n");
      renameSync(temp, target);
      swaps++;
      setImmediate(swap);
    };
    setImmediate(swap);
    const seen: string[] = [];
    try {
      for (let round = 0; round < rounds; round++) {
        seen.push(describeOutcome(await tool.execute({ path: "swap.txt", content: "x" }, fixture.context)));
      }
    } finally {
      running = false;
    }
    const leaked = seen.filter((text) => text.includes(fixture.secret));
    if (leaked.length > 0) return { ok: true, output: leaked.join("\n") };
    if (swaps < rounds)
      return { ok: true, output: `only ${swaps} swaps in ${rounds} calls: the race did not interleave` };
    const refused = seen.filter((text) => text.startsWith("refused")).length;
    return {
      ok: false,
      error: `${rounds} calls raced ${swaps} swaps: ${refused} refused, ${rounds - refused} stayed inside, none escaped`,
    };
  };
}

/** The workspace path a parent-swap race calls its tool on, for round `round`. */
type RacePath = (round: number) => string;

/**
 * A race on an INTERMEDIATE directory (finding 6): `tool` is called `rounds` times on a path under `a/` while the event
 * loop keeps swapping `a` (holding `b/file.txt`) for a symlink to an outside tree of the same shape (`b/file.txt`
 * holding the canary, beside a file named after the canary) and back, by renames, between every await the tool makes.
 * The attempt is ok:false ("none escaped") when no outcome showed the canary, the outside tree is as it was and the
 * swaps really interleaved; ok:true with the evidence otherwise, so the case fails. The harness's snapshot, taken
 * after the setup, judges everything outside as well.
 */
function parentSwapCase(name: string, tool: Tool, at: RacePath, rounds: number): EscapeCase {
  const treeOf = (fixture: EscapeFixture) => path.join(fixture.outside, "tree");
  return {
    category: "links",
    name,
    expect: "refused",
    reason: /none escaped/,
    async setup(fixture) {
      await mkdir(path.join(treeOf(fixture), "b"), { recursive: true });
      await writeFile(path.join(treeOf(fixture), "b", "file.txt"), `${fixture.secret}\n`);
      await writeFile(path.join(treeOf(fixture), "b", `${fixture.secret}.txt`), "named after the canary\n");
      await mkdir(path.join(fixture.workspace, "a", "b"), { recursive: true });
      await writeFile(path.join(fixture.workspace, "a", "b", "file.txt"), "inside\n");
      await symlink(treeOf(fixture), path.join(fixture.workspace, ".a-link"));
    },
    async attempt(fixture) {
      const treeBefore = await describeTree(treeOf(fixture));
      const swapping = startParentSwaps(fixture.workspace);
      const seen: string[] = [];
      let swaps = 0;
      try {
        for (let round = 0; round < rounds; round++) {
          seen.push(describeOutcome(await tool.execute({ path: at(round), content: "x" }, fixture.context)));
        }
      } finally {
        swaps = swapping.stop();
      }
      const leaked = seen.filter((text) => text.includes(fixture.secret));
      const changed = diffTrees(treeBefore, await describeTree(treeOf(fixture)));
      if (leaked.length > 0 || changed.length > 0) {
        const shown = changed.slice(0, 3).join("; ");
        return {
          ok: true,
          output: `${leaked.length} of ${rounds} calls showed the canary; outside, ${changed.length} entries changed or created (${shown})`,
        };
      }
      if (swaps < rounds)
        return { ok: true, output: `only ${swaps} swaps in ${rounds} calls: the race did not interleave` };
      const refused = seen.filter((text) => text.startsWith("refused")).length;
      return {
        ok: false,
        error: `${rounds} calls raced ${swaps} parent swaps: ${refused} refused, ${rounds - refused} stayed inside, none escaped`,
      };
    },
  };
}

/** Swaps `a` and `.a-link` in `workspace` on every turn of the event loop until `stop()`, which returns the count. */
function startParentSwaps(workspace: string): { stop(): number } {
  const dir = path.join(workspace, "a");
  const parked = path.join(workspace, ".a-parked");
  const link = path.join(workspace, ".a-link");
  let swaps = 0;
  let running = true;
  const swap = (): void => {
    if (!running) return;
    // Even swaps put the link in place of the directory, odd ones put the directory back.
    if (swaps % 2 === 0) {
      renameSync(dir, parked);
      renameOnto(link, dir, swaps);
    } else {
      renameSync(dir, link);
      renameOnto(parked, dir, swaps);
    }
    swaps++;
    setImmediate(swap);
  };
  setImmediate(swap);
  return {
    stop: () => {
      running = false;
      return swaps;
    },
  };
}

/**
 * Renames `from` to `to`. Between the two renames of a swap `a` is missing for a moment, and a tool making folders may
 * create a fresh `a` right then: that one is moved aside (it stays inside the workspace) and the rename tried again.
 */
function renameOnto(from: string, to: string, swap: number): void {
  try {
    renameSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOTDIR") throw error;
    renameSync(to, path.join(path.dirname(to), `.made-in-the-gap-${swap}`));
    renameSync(from, to);
  }
}

/** Every entry under `dir`, relative, with its content for files: what a parent-swap race must leave alone. */
async function describeTree(dir: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    entries.set(
      path.relative(dir, full),
      entry.isFile() ? await readFile(full, "utf8") : entry.isDirectory() ? "dir" : "other",
    );
  }
  return entries;
}

/** One line per entry of `after` that is new or differs from `before`, and per entry gone. */
function diffTrees(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes = [...after]
    .filter(([name, body]) => before.get(name) !== body)
    .map(([name]) => `${name} ${before.has(name) ? "changed" : "created"}`);
  return [...changes, ...[...before.keys()].filter((name) => !after.has(name)).map((name) => `${name} removed`)];
}

/** The file-tool cases; `raceRounds` sets how many calls each race makes. */
export function buildFileCases(raceRounds: number): EscapeCase[] {
  const marker = (fixture: EscapeFixture) => fixture.marker;
  const outsideFile = (name: string) => (fixture: EscapeFixture) => path.join(fixture.outside, name);
  const cases: EscapeCase[] = [
    // `..` and absolute spellings.
    { category: "paths", name: "read ../x", expect: "refused", reason: DOTDOT, attempt: read("../outside/secret.txt") },
    {
      category: "paths",
      name: "read a/../../x",
      expect: "refused",
      reason: DOTDOT,
      attempt: read("a/../../outside/secret.txt"),
    },
    {
      category: "paths",
      name: "read ./../x",
      expect: "refused",
      reason: DOTDOT,
      attempt: read("./../outside/secret.txt"),
    },
    { category: "paths", name: "read ../ (trailing slash)", expect: "refused", reason: DOTDOT, attempt: read("../") },
    {
      category: "paths",
      name: "read in.txt/../../x",
      expect: "refused",
      reason: DOTDOT,
      attempt: read("in.txt/../../outside/secret.txt"),
    },
    { category: "paths", name: "list ..", expect: "refused", reason: DOTDOT, attempt: list("..") },
    { category: "paths", name: "list a/./../../", expect: "refused", reason: DOTDOT, attempt: list("a/./../../") },
    {
      category: "paths",
      name: "write ../outside/victim",
      expect: "refused",
      reason: DOTDOT,
      attempt: write("../outside/victim.txt"),
    },
    {
      category: "paths",
      name: "write ../new",
      expect: "refused",
      reason: DOTDOT,
      attempt: write((f) => `../pwned-${f.token}`),
    },
    {
      category: "paths",
      name: "write ../../new",
      expect: "refused",
      reason: DOTDOT,
      attempt: write((f) => `../../pwned-${f.token}`),
    },
    {
      category: "paths",
      name: "write sub/./../../new",
      expect: "refused",
      reason: DOTDOT,
      attempt: write((f) => `sub/./../../pwned-${f.token}`),
    },
    {
      category: "paths",
      name: "append ../outside/victim",
      expect: "refused",
      reason: DOTDOT,
      attempt: append("../outside/victim.txt"),
    },
    { category: "paths", name: "read /etc/passwd", expect: "refused", reason: ABSOLUTE, attempt: read("/etc/passwd") },
    {
      category: "paths",
      name: "read //etc/passwd",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: read("//etc/passwd"),
    },
    {
      category: "paths",
      name: "read /./etc//passwd",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: read("/./etc//passwd"),
    },
    {
      category: "paths",
      name: "read the canary by absolute path",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: read(outsideFile("secret.txt")),
    },
    { category: "paths", name: "list /", expect: "refused", reason: ABSOLUTE, attempt: list("/") },
    { category: "paths", name: "write /tmp marker", expect: "refused", reason: ABSOLUTE, attempt: write(marker) },
    {
      category: "paths",
      name: "write <workspace>/../x (absolute, via the workspace)",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: write((f) => `${f.workspace}/../outside/victim.txt`),
    },
    {
      category: "paths",
      name: "append the canary by absolute path",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: append(outsideFile("victim.txt")),
    },
    // Backslashes are ordinary name characters on Linux, but a backslash `..` segment or a leading backslash is refused:
    // other tools (a Samba share, a script that converts separators) read them as separators.
    {
      category: "paths",
      name: "read ..\\outside\\secret",
      expect: "refused",
      reason: DOTDOT,
      attempt: read("..\\outside\\secret.txt"),
    },
    {
      category: "paths",
      name: "write a\\..\\..\\new",
      expect: "refused",
      reason: DOTDOT,
      attempt: write((f) => `a\\..\\..\\pwned-${f.token}`),
    },
    {
      category: "paths",
      name: "read \\etc\\passwd",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: read("\\etc\\passwd"),
    },

    // Names that look like escapes but are plain names on Linux: they must land inside, literally.
    ...[
      ["percent-encoded dots", "%2e%2e/pwned-"],
      ["encoded slash", "..%2fpwned-"],
      ["fullwidth dots (U+FF0E)", "\uff0e\uff0e/pwned-"],
      ["two-dot leader (U+2025)", "\u2025/pwned-"],
      ["dots with a zero-width space", "..\u200b/pwned-"],
      ["backslash inside a name", "a\\b-pwned-"],
      ["tilde (no shell expands it)", "~/pwned-"],
      ["$HOME (no shell expands it)", "$HOME/pwned-"],
      ["four dots", "..../pwned-"],
    ].map(([what, prefix]): EscapeCase => {
      const relPath = (f: EscapeFixture) => `${prefix}${f.token}`;
      return {
        category: "names",
        name: `write ${what}`,
        expect: "contained",
        attempt: write(relPath),
        verify: expectInside(relPath),
      };
    }),

    // NUL bytes and length.
    {
      category: "nul-and-long",
      name: "read with a NUL then ..",
      expect: "refused",
      reason: /NUL byte/,
      attempt: read("in.txt\0../../etc/passwd"),
    },
    {
      category: "nul-and-long",
      name: "write with a NUL",
      expect: "refused",
      reason: /NUL byte/,
      attempt: write("pwned\0.txt"),
    },
    {
      category: "nul-and-long",
      name: "write a 5000-character path",
      expect: "refused",
      reason: /longer than 256/,
      attempt: write("a/".repeat(2500)),
    },
    {
      category: "nul-and-long",
      name: "read a 5000-character name",
      expect: "refused",
      reason: /longer than 256/,
      attempt: read("x".repeat(5000)),
    },
    {
      category: "nul-and-long",
      name: "write a 256-byte name",
      expect: "refused",
      reason: /ENAMETOOLONG/,
      attempt: write("n".repeat(256)),
    },
    {
      category: "nul-and-long",
      name: "write a 128-character, 256-byte folder name",
      expect: "refused",
      reason: /ENAMETOOLONG/,
      attempt: write(`${"\u00e9".repeat(128)}/x`),
    },
    {
      category: "nul-and-long",
      name: "write 127 levels deep (within the length cap)",
      expect: "contained",
      attempt: write(`${"d/".repeat(127)}x`),
      verify: expectInside(() => `${"d/".repeat(127)}x`),
    },

    // Size caps (maxFileBytes 256), counted in bytes.
    {
      category: "size-caps",
      name: "write 257 ASCII bytes",
      expect: "refused",
      reason: /content is 257 bytes; the limit is 256/,
      attempt: write("big.txt", "x".repeat(257)),
    },
    {
      category: "size-caps",
      name: "write 129 two-byte characters",
      expect: "refused",
      reason: /content is 258 bytes/,
      attempt: write("big.txt", "\u00e9".repeat(129)),
    },
    {
      category: "size-caps",
      name: "write 65 four-byte emoji",
      expect: "refused",
      reason: /content is 260 bytes/,
      attempt: write("big.txt", "\u{1f600}".repeat(65)),
    },
    {
      category: "size-caps",
      name: "replace a file with 257 bytes",
      expect: "refused",
      reason: /limit is 256/,
      setup: (f) => writeFile(path.join(f.workspace, "in.txt"), "small\n"),
      attempt: write("in.txt", "y".repeat(257)),
      verify: expectUnchanged("in.txt", "small\n"),
    },
    {
      category: "size-caps",
      name: "append four two-byte characters to a 250-byte file",
      expect: "refused",
      reason: /would grow to 258 bytes; the limit is 256/,
      setup: (f) => writeFile(path.join(f.workspace, "log.txt"), "l".repeat(250)),
      attempt: append("log.txt", "\u00e9".repeat(4)),
      verify: expectUnchanged("log.txt", "l".repeat(250)),
    },
    {
      category: "size-caps",
      name: "append 300 bytes to a new file",
      expect: "refused",
      reason: /content is 300 bytes/,
      attempt: append("new.txt", "z".repeat(300)),
    },

    // Symlinks and hard links planted in the workspace.
    {
      category: "links",
      name: "read through a symlinked folder",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("out", (f) => f.outside),
      attempt: read("out/secret.txt"),
    },
    {
      category: "links",
      name: "write a new file in a symlinked folder",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("out", (f) => f.outside),
      attempt: write("out/pwned.txt"),
    },
    {
      category: "links",
      name: "write under a symlinked folder (would mkdir outside)",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("out", (f) => f.outside),
      attempt: write("out/deeper/pwned.txt"),
    },
    {
      category: "links",
      name: "append through a symlinked folder",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("out", (f) => f.outside),
      attempt: append("out/victim.txt"),
    },
    {
      category: "links",
      name: "list a symlinked folder",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("out", (f) => f.outside),
      attempt: list("out"),
    },
    {
      category: "links",
      name: "read a symlink to an outside file",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("link.txt", outsideFile("secret.txt")),
      attempt: read("link.txt"),
    },
    {
      category: "links",
      name: "write a symlink to an outside file",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("link.txt", outsideFile("victim.txt")),
      attempt: write("link.txt"),
    },
    {
      category: "links",
      name: "append a symlink to an outside file",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("link.txt", outsideFile("victim.txt")),
      attempt: append("link.txt"),
    },
    {
      category: "links",
      name: "read a symlink to a symlink to outside",
      expect: "refused",
      reason: LINK,
      setup: async (f) => {
        await plantSymlink("b", outsideFile("secret.txt"))(f);
        await plantSymlink("a", "b")(f);
      },
      attempt: read("a"),
    },
    {
      category: "links",
      name: "read through a symlinked folder mid-path",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("sub/mid", (f) => f.outside),
      attempt: read("sub/mid/dir/deep.txt"),
    },
    {
      category: "links",
      name: "write through a relative ../ symlink",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("rel", "../outside"),
      attempt: write("rel/victim.txt"),
    },
    {
      category: "links",
      name: "write a dangling symlink to outside",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("dang", (f) => path.join(f.outside, `pwned-${f.token}`)),
      attempt: write("dang"),
    },
    {
      category: "links",
      name: "append a dangling symlink to outside",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("dang", (f) => path.join(f.outside, `pwned-${f.token}`)),
      attempt: append("dang"),
    },
    {
      category: "links",
      name: "read via a symlink to /",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("rootlink", "/"),
      attempt: read("rootlink/etc/passwd"),
    },
    {
      category: "links",
      name: "write a hard link to an outside file",
      expect: "refused",
      reason: HARD_LINKS,
      setup: plantHardLink("hard.txt", "victim.txt"),
      attempt: write("hard.txt"),
    },
    {
      category: "links",
      name: "append a hard link to an outside file",
      expect: "refused",
      reason: HARD_LINKS,
      setup: plantHardLink("hard.txt", "victim.txt"),
      attempt: append("hard.txt"),
    },
    {
      category: "links",
      name: "read a hard link to an outside file",
      expect: "refused",
      reason: HARD_LINKS,
      setup: plantHardLink("hard.txt", "secret.txt"),
      attempt: read("hard.txt"),
    },
    {
      category: "links",
      name: "read while swap.txt flips to a symlink (race)",
      expect: "refused",
      reason: /none escaped/,
      attempt: raceSwap(readFileTool, "secret.txt", raceRounds),
    },
    {
      category: "links",
      name: "append while swap.txt flips to a symlink (race)",
      expect: "refused",
      reason: /none escaped/,
      attempt: raceSwap(appendFileTool, "victim.txt", raceRounds),
    },
    {
      category: "links",
      name: "write while swap.txt flips to a symlink (race)",
      expect: "refused",
      reason: /none escaped/,
      attempt: raceSwap(writeFileTool, "victim.txt", raceRounds),
    },
    // The parent directory `a` of `a/b/file.txt` flips to a symlink to an outside tree of the same shape (finding 6).
    parentSwapCase(
      "read while a parent folder flips to a symlink (race)",
      readFileTool,
      () => "a/b/file.txt",
      raceRounds,
    ),
    parentSwapCase(
      "write while a parent folder flips to a symlink (race)",
      writeFileTool,
      () => "a/b/file.txt",
      raceRounds,
    ),
    parentSwapCase(
      "append while a parent folder flips to a symlink (race)",
      appendFileTool,
      () => "a/b/file.txt",
      raceRounds,
    ),
    parentSwapCase("list while a parent folder flips to a symlink (race)", listDirTool, () => "a/b", raceRounds),
    parentSwapCase(
      "write new folders while a parent folder flips to a symlink (race on mkdir)",
      writeFileTool,
      (round) => `a/new-${round}/deeper/file.txt`,
      raceRounds,
    ),

    // /proc and /dev.
    {
      category: "proc",
      name: "read /proc/self/root/etc/passwd",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: read("/proc/self/root/etc/passwd"),
    },
    {
      category: "proc",
      name: "read /proc/self/environ",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: read("/proc/self/environ"),
    },
    { category: "proc", name: "read /dev/stdin", expect: "refused", reason: ABSOLUTE, attempt: read("/dev/stdin") },
    {
      category: "proc",
      name: "write /proc/self/fd/1",
      expect: "refused",
      reason: ABSOLUTE,
      attempt: write("/proc/self/fd/1"),
    },
    {
      category: "proc",
      name: "read via a symlink to /proc/self/root",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("procroot", "/proc/self/root"),
      attempt: read("procroot/etc/passwd"),
    },
    {
      category: "proc",
      name: "write via a symlink to /proc/self/root",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("procroot", "/proc/self/root"),
      attempt: write((f) => `procroot${f.marker}`),
    },
    {
      category: "proc",
      name: "read via a symlink to /proc/self/cwd",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("cwd", "/proc/self/cwd"),
      attempt: read("cwd/package.json"),
    },
    {
      category: "proc",
      name: "list via a symlink to /proc/self/fd",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("fd", "/proc/self/fd"),
      attempt: list("fd"),
    },
    {
      category: "proc",
      name: "read via a symlink to /proc/self/environ",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("environ", "/proc/self/environ"),
      attempt: read("environ"),
    },
    {
      category: "proc",
      name: "read via a symlink to /dev/stdin",
      expect: "refused",
      reason: LINK,
      setup: plantSymlink("stdin", "/dev/stdin"),
      attempt: read("stdin"),
    },
  ];
  return cases;
}
