// The file-tool half of the sandbox-escape corpus: `..` and absolute spellings, odd names, NUL and length, size caps, links, /proc, and check-then-use races.
import { renameSync, symlinkSync, writeFileSync } from "node:fs";
import { link, lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
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
const OUTSIDE = /resolves outside the workspace/;
const THROUGH_LINK = /is a symbolic link; writing through links is not allowed/;
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
function expectInside(relPath: (fixture: EscapeFixture) => string): (fixture: EscapeFixture, outcome: ToolOutcome) => Promise<string[]> {
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
    if (swaps < rounds) return { ok: true, output: `only ${swaps} swaps in ${rounds} calls: the race did not interleave` };
    const refused = seen.filter((text) => text.startsWith("refused")).length;
    return { ok: false, error: `${rounds} calls raced ${swaps} swaps: ${refused} refused, ${rounds - refused} stayed inside, none escaped` };
  };
}

/** The file-tool cases; `raceRounds` sets how many calls each race makes. */
export function buildFileCases(raceRounds: number): EscapeCase[] {
  const marker = (fixture: EscapeFixture) => fixture.marker;
  const outsideFile = (name: string) => (fixture: EscapeFixture) => path.join(fixture.outside, name);
  const cases: EscapeCase[] = [
    // `..` and absolute spellings.
    { category: "paths", name: "read ../x", expect: "refused", reason: DOTDOT, attempt: read("../outside/secret.txt") },
    { category: "paths", name: "read a/../../x", expect: "refused", reason: DOTDOT, attempt: read("a/../../outside/secret.txt") },
    { category: "paths", name: "read ./../x", expect: "refused", reason: DOTDOT, attempt: read("./../outside/secret.txt") },
    { category: "paths", name: "read ../ (trailing slash)", expect: "refused", reason: DOTDOT, attempt: read("../") },
    { category: "paths", name: "read in.txt/../../x", expect: "refused", reason: DOTDOT, attempt: read("in.txt/../../outside/secret.txt") },
    { category: "paths", name: "list ..", expect: "refused", reason: DOTDOT, attempt: list("..") },
    { category: "paths", name: "list a/./../../", expect: "refused", reason: DOTDOT, attempt: list("a/./../../") },
    { category: "paths", name: "write ../outside/victim", expect: "refused", reason: DOTDOT, attempt: write("../outside/victim.txt") },
    { category: "paths", name: "write ../new", expect: "refused", reason: DOTDOT, attempt: write((f) => `../pwned-${f.token}`) },
    { category: "paths", name: "write ../../new", expect: "refused", reason: DOTDOT, attempt: write((f) => `../../pwned-${f.token}`) },
    { category: "paths", name: "write sub/./../../new", expect: "refused", reason: DOTDOT, attempt: write((f) => `sub/./../../pwned-${f.token}`) },
    { category: "paths", name: "append ../outside/victim", expect: "refused", reason: DOTDOT, attempt: append("../outside/victim.txt") },
    { category: "paths", name: "read /etc/passwd", expect: "refused", reason: ABSOLUTE, attempt: read("/etc/passwd") },
    { category: "paths", name: "read //etc/passwd", expect: "refused", reason: ABSOLUTE, attempt: read("//etc/passwd") },
    { category: "paths", name: "read /./etc//passwd", expect: "refused", reason: ABSOLUTE, attempt: read("/./etc//passwd") },
    { category: "paths", name: "read the canary by absolute path", expect: "refused", reason: ABSOLUTE, attempt: read(outsideFile("secret.txt")) },
    { category: "paths", name: "list /", expect: "refused", reason: ABSOLUTE, attempt: list("/") },
    { category: "paths", name: "write /tmp marker", expect: "refused", reason: ABSOLUTE, attempt: write(marker) },
    { category: "paths", name: "write <workspace>/../x (absolute, via the workspace)", expect: "refused", reason: ABSOLUTE, attempt: write((f) => `${f.workspace}/../outside/victim.txt`) },
    { category: "paths", name: "append the canary by absolute path", expect: "refused", reason: ABSOLUTE, attempt: append(outsideFile("victim.txt")) },
    // Backslashes are ordinary name characters on Linux, but a backslash `..` segment or a leading backslash is refused:
    // other tools (a Samba share, a script that converts separators) read them as separators.
    { category: "paths", name: "read ..\\outside\\secret", expect: "refused", reason: DOTDOT, attempt: read("..\\outside\\secret.txt") },
    { category: "paths", name: "write a\\..\\..\\new", expect: "refused", reason: DOTDOT, attempt: write((f) => `a\\..\\..\\pwned-${f.token}`) },
    { category: "paths", name: "read \\etc\\passwd", expect: "refused", reason: ABSOLUTE, attempt: read("\\etc\\passwd") },

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
      return { category: "names", name: `write ${what}`, expect: "contained", attempt: write(relPath), verify: expectInside(relPath) };
    }),

    // NUL bytes and length.
    { category: "nul-and-long", name: "read with a NUL then ..", expect: "refused", reason: /NUL byte/, attempt: read("in.txt\0../../etc/passwd") },
    { category: "nul-and-long", name: "write with a NUL", expect: "refused", reason: /NUL byte/, attempt: write("pwned\0.txt") },
    { category: "nul-and-long", name: "write a 5000-character path", expect: "refused", reason: /longer than 256/, attempt: write("a/".repeat(2500)) },
    { category: "nul-and-long", name: "read a 5000-character name", expect: "refused", reason: /longer than 256/, attempt: read("x".repeat(5000)) },
    { category: "nul-and-long", name: "write a 256-byte name", expect: "refused", reason: /ENAMETOOLONG/, attempt: write("n".repeat(256)) },
    { category: "nul-and-long", name: "write a 128-character, 256-byte folder name", expect: "refused", reason: /ENAMETOOLONG/, attempt: write(`${"\u00e9".repeat(128)}/x`) },
    {
      category: "nul-and-long",
      name: "write 127 levels deep (within the length cap)",
      expect: "contained",
      attempt: write(`${"d/".repeat(127)}x`),
      verify: expectInside(() => `${"d/".repeat(127)}x`),
    },

    // Size caps (maxFileBytes 256), counted in bytes.
    { category: "size-caps", name: "write 257 ASCII bytes", expect: "refused", reason: /content is 257 bytes; the limit is 256/, attempt: write("big.txt", "x".repeat(257)) },
    { category: "size-caps", name: "write 129 two-byte characters", expect: "refused", reason: /content is 258 bytes/, attempt: write("big.txt", "\u00e9".repeat(129)) },
    { category: "size-caps", name: "write 65 four-byte emoji", expect: "refused", reason: /content is 260 bytes/, attempt: write("big.txt", "\u{1f600}".repeat(65)) },
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
    { category: "size-caps", name: "append 300 bytes to a new file", expect: "refused", reason: /content is 300 bytes/, attempt: append("new.txt", "z".repeat(300)) },

    // Symlinks and hard links planted in the workspace.
    { category: "links", name: "read through a symlinked folder", expect: "refused", reason: OUTSIDE, setup: plantSymlink("out", (f) => f.outside), attempt: read("out/secret.txt") },
    { category: "links", name: "write a new file in a symlinked folder", expect: "refused", reason: OUTSIDE, setup: plantSymlink("out", (f) => f.outside), attempt: write("out/pwned.txt") },
    { category: "links", name: "write under a symlinked folder (would mkdir outside)", expect: "refused", reason: OUTSIDE, setup: plantSymlink("out", (f) => f.outside), attempt: write("out/deeper/pwned.txt") },
    { category: "links", name: "append through a symlinked folder", expect: "refused", reason: OUTSIDE, setup: plantSymlink("out", (f) => f.outside), attempt: append("out/victim.txt") },
    { category: "links", name: "list a symlinked folder", expect: "refused", reason: OUTSIDE, setup: plantSymlink("out", (f) => f.outside), attempt: list("out") },
    { category: "links", name: "read a symlink to an outside file", expect: "refused", reason: OUTSIDE, setup: plantSymlink("link.txt", outsideFile("secret.txt")), attempt: read("link.txt") },
    { category: "links", name: "write a symlink to an outside file", expect: "refused", reason: THROUGH_LINK, setup: plantSymlink("link.txt", outsideFile("victim.txt")), attempt: write("link.txt") },
    { category: "links", name: "append a symlink to an outside file", expect: "refused", reason: THROUGH_LINK, setup: plantSymlink("link.txt", outsideFile("victim.txt")), attempt: append("link.txt") },
    {
      category: "links",
      name: "read a symlink to a symlink to outside",
      expect: "refused",
      reason: OUTSIDE,
      setup: async (f) => {
        await plantSymlink("b", outsideFile("secret.txt"))(f);
        await plantSymlink("a", "b")(f);
      },
      attempt: read("a"),
    },
    { category: "links", name: "read through a symlinked folder mid-path", expect: "refused", reason: OUTSIDE, setup: plantSymlink("sub/mid", (f) => f.outside), attempt: read("sub/mid/dir/deep.txt") },
    { category: "links", name: "write through a relative ../ symlink", expect: "refused", reason: OUTSIDE, setup: plantSymlink("rel", "../outside"), attempt: write("rel/victim.txt") },
    { category: "links", name: "write a dangling symlink to outside", expect: "refused", reason: THROUGH_LINK, setup: plantSymlink("dang", (f) => path.join(f.outside, `pwned-${f.token}`)), attempt: write("dang") },
    { category: "links", name: "append a dangling symlink to outside", expect: "refused", reason: THROUGH_LINK, setup: plantSymlink("dang", (f) => path.join(f.outside, `pwned-${f.token}`)), attempt: append("dang") },
    { category: "links", name: "read via a symlink to /", expect: "refused", reason: OUTSIDE, setup: plantSymlink("rootlink", "/"), attempt: read("rootlink/etc/passwd") },
    { category: "links", name: "write a hard link to an outside file", expect: "refused", reason: HARD_LINKS, setup: plantHardLink("hard.txt", "victim.txt"), attempt: write("hard.txt") },
    { category: "links", name: "append a hard link to an outside file", expect: "refused", reason: HARD_LINKS, setup: plantHardLink("hard.txt", "victim.txt"), attempt: append("hard.txt") },
    { category: "links", name: "read a hard link to an outside file", expect: "refused", reason: HARD_LINKS, setup: plantHardLink("hard.txt", "secret.txt"), attempt: read("hard.txt") },
    { category: "links", name: "read while swap.txt flips to a symlink (race)", expect: "refused", reason: /none escaped/, attempt: raceSwap(readFileTool, "secret.txt", raceRounds) },
    { category: "links", name: "append while swap.txt flips to a symlink (race)", expect: "refused", reason: /none escaped/, attempt: raceSwap(appendFileTool, "victim.txt", raceRounds) },
    { category: "links", name: "write while swap.txt flips to a symlink (race)", expect: "refused", reason: /none escaped/, attempt: raceSwap(writeFileTool, "victim.txt", raceRounds) },

    // /proc and /dev.
    { category: "proc", name: "read /proc/self/root/etc/passwd", expect: "refused", reason: ABSOLUTE, attempt: read("/proc/self/root/etc/passwd") },
    { category: "proc", name: "read /proc/self/environ", expect: "refused", reason: ABSOLUTE, attempt: read("/proc/self/environ") },
    { category: "proc", name: "read /dev/stdin", expect: "refused", reason: ABSOLUTE, attempt: read("/dev/stdin") },
    { category: "proc", name: "write /proc/self/fd/1", expect: "refused", reason: ABSOLUTE, attempt: write("/proc/self/fd/1") },
    { category: "proc", name: "read via a symlink to /proc/self/root", expect: "refused", reason: OUTSIDE, setup: plantSymlink("procroot", "/proc/self/root"), attempt: read("procroot/etc/passwd") },
    { category: "proc", name: "write via a symlink to /proc/self/root", expect: "refused", reason: OUTSIDE, setup: plantSymlink("procroot", "/proc/self/root"), attempt: write((f) => `procroot${f.marker}`) },
    { category: "proc", name: "read via a symlink to /proc/self/cwd", expect: "refused", reason: OUTSIDE, setup: plantSymlink("cwd", "/proc/self/cwd"), attempt: read("cwd/package.json") },
    { category: "proc", name: "list via a symlink to /proc/self/fd", expect: "refused", reason: OUTSIDE, setup: plantSymlink("fd", "/proc/self/fd"), attempt: list("fd") },
    { category: "proc", name: "read via a symlink to /proc/self/environ", expect: "refused", reason: OUTSIDE, setup: plantSymlink("environ", "/proc/self/environ"), attempt: read("environ") },
    { category: "proc", name: "read via a symlink to /dev/stdin", expect: "refused", reason: /outside the workspace|dangling/, setup: plantSymlink("stdin", "/dev/stdin"), attempt: read("stdin") },
  ];
  return cases;
}
