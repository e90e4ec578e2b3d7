// The `run` half of the sandbox-escape corpus: injected and option-smuggled arguments, links planted for programs, environment and config leaks, and runaway processes.
import { link, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommandTool } from "../../src/tools/run-command.js";
import type { ToolOutcome } from "../../src/tools/tool.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { killPids, waitForMarkedProcesses } from "../support/marked-processes.js";
import { readPrintedPids, type EscapeCase, type EscapeFixture } from "./sandbox-escapes-fixture.js";

/** An argument, or one built from the fixture. */
type ArgSpec = string | ((fixture: EscapeFixture) => string);

const ARG_DOTDOT = /^argument \d+ .* contains "\.\.", which is not allowed$/s;
const ARG_ABSOLUTE = /^argument \d+ .*(is an absolute path|carries the absolute path)/s;
const WAY_OUT = /not started, the workspace has a way out: /;

function run(command: string, args: ArgSpec[]): (fixture: EscapeFixture) => Promise<ToolOutcome> {
  return (fixture) =>
    runCommandTool.execute(
      { command, args: args.map((arg) => (typeof arg === "string" ? arg : arg(fixture))) },
      fixture.context,
    );
}

/** A refusal must come before anything ran: no command output at all. */
async function expectNotStarted(_fixture: EscapeFixture, outcome: ToolOutcome): Promise<string[]> {
  return "output" in outcome ? ["the command ran before it was refused"] : [];
}

/** An injection without a shell is inert: the program prints it literally and nothing named pwned appears in the workspace. */
function expectLiteral(printed: (fixture: EscapeFixture) => string) {
  return async (fixture: EscapeFixture, outcome: ToolOutcome): Promise<string[]> => {
    const problems: string[] = [];
    const expected = `exit code: 0\n${printed(fixture)}`;
    if (!outcome.ok || outcome.output !== expected) problems.push(`expected ${JSON.stringify(expected)}`);
    const pwned = (await readdir(fixture.workspace)).filter((name) => name.includes("pwned"));
    if (pwned.length > 0) problems.push(`the injection ran: ${pwned.join(", ")} appeared in the workspace`);
    return problems;
  };
}

/**
 * The process cases' checks: how the run ended, that the script got as far as its forks (it printed `pid` lines;
 * in the sandbox they are its own namespace's pids), and that no process carrying the fixture's mark is left.
 */
function expectNoSurvivors(ending: RegExp, minimumPids: number) {
  return async (fixture: EscapeFixture, outcome: ToolOutcome): Promise<string[]> => {
    const problems: string[] = [];
    const ended = outcome.ok ? "ok" : outcome.error;
    if (!ending.test(ended)) problems.push(`ended as "${ended}", expected ${String(ending)}`);
    const pids = readPrintedPids(outcome);
    if (pids.length < minimumPids) problems.push(`only ${pids.length} pids printed, expected ${minimumPids}`);
    const survivors = await waitForMarkedProcesses(fixture.processMark);
    killPids(survivors);
    if (survivors.length > 0) problems.push(`processes outlived the run: ${survivors.join(", ")}`);
    return problems;
  };
}

/** A flood must time out with its output cut at `maxOutputBytes` and marked as cut. */
function expectFloodCapped(maxOutputBytes: number) {
  return async (_fixture: EscapeFixture, outcome: ToolOutcome): Promise<string[]> => {
    if (outcome.ok || !/^timed out/.test(outcome.error))
      return [`expected a timeout, got ${outcome.ok ? "ok" : outcome.error}`];
    const output = outcome.output ?? "";
    const suffix = "\n[output truncated]";
    if (!output.endsWith(suffix)) return ["output not marked as truncated"];
    const body = output.slice(output.indexOf("\n") + 1, -suffix.length);
    return Buffer.byteLength(body) <= maxOutputBytes
      ? []
      : [`kept ${Buffer.byteLength(body)} bytes, cap ${maxOutputBytes}`];
  };
}

/** Writes a dotfile into the workspace the way the agent would, with write_file. */
function agentWrites(relPath: string, content: (fixture: EscapeFixture) => string) {
  return async (fixture: EscapeFixture): Promise<void> => {
    const outcome = await writeFileTool.execute({ path: relPath, content: content(fixture) }, fixture.context);
    if (!outcome.ok) throw new Error(`setup could not write ${relPath}: ${outcome.error}`);
  };
}

async function plantOutLink(fixture: EscapeFixture): Promise<void> {
  await symlink(fixture.outside, path.join(fixture.workspace, "out"));
  await symlink(path.join(fixture.outside, "secret.txt"), path.join(fixture.workspace, "link.txt"));
}

/** The `run` cases. */
export function buildCommandCases(): EscapeCase[] {
  const marker = (fixture: EscapeFixture) => fixture.marker;
  const canary = (fixture: EscapeFixture) => path.join(fixture.outside, "secret.txt");
  const refusedArg = (
    name: string,
    reason: RegExp,
    command: string,
    args: ArgSpec[],
    needs?: string[],
  ): EscapeCase => ({
    category: "arguments",
    name,
    expect: "refused",
    reason,
    attempt: run(command, args),
    verify: expectNotStarted,
    ...(needs === undefined ? {} : { needs }),
  });
  const literal = (name: string, arg: ArgSpec): EscapeCase => ({
    category: "arguments",
    name,
    expect: "contained",
    setup: (f) => writeFile(path.join(f.workspace, "x"), "keep me\n"),
    attempt: run("echo", [arg]),
    verify: async (f, outcome) => {
      const problems = await expectLiteral((fx) => (typeof arg === "string" ? arg : arg(fx)))(f, outcome);
      if ((await readFile(path.join(f.workspace, "x"), "utf8")) !== "keep me\n") problems.push("x was changed");
      return problems;
    },
  });
  const linkedRun = (
    name: string,
    command: string,
    args: string[],
    setup?: (f: EscapeFixture) => Promise<void>,
  ): EscapeCase => ({
    category: "arguments",
    name,
    expect: "refused",
    reason: WAY_OUT,
    setup: setup ?? plantOutLink,
    attempt: run(command, args),
    verify: expectNotStarted,
  });
  const processLimits = (commandTimeoutMs: number) => ({
    limits: { maxFileBytes: 256, maxOutputBytes: 2048, commandTimeoutMs },
  });

  return [
    // Shell syntax is inert without a shell.
    literal("echo '; rm -rf x'", "; rm -rf x"),
    literal("echo '$(touch pwned)'", "$(touch pwned)"),
    literal("echo '`touch pwned`'", "`touch pwned`"),
    literal("echo 'a && touch pwned'", "a && touch pwned"),
    literal("echo 'x | cat in.txt'", "x | cat in.txt"),
    literal("echo '*' (no glob)", "*"),
    literal("echo with a newline then a command", "line1\ntouch pwned"),
    refusedArg("echo with a newline then an absolute path", ARG_ABSOLUTE, "echo", [(f) => `ok\n${f.marker}`]),
    refusedArg("cat ../*", ARG_DOTDOT, "cat", ["../*"]),
    refusedArg("cat /etc/passwd", ARG_ABSOLUTE, "cat", ["/etc/passwd"]),
    refusedArg("cat -- /etc/passwd", ARG_ABSOLUTE, "cat", ["--", "/etc/passwd"]),
    refusedArg("cat -- ../outside/secret", ARG_DOTDOT, "cat", ["--", "../outside/secret.txt"]),
    refusedArg("cat the canary by absolute path", ARG_ABSOLUTE, "cat", [canary]),
    refusedArg("cat a NUL-joined path", /NUL byte/, "cat", ["in.txt\0/etc/passwd"]),
    refusedArg("echo a 5000-character argument", /longer than 120/, "echo", ["x".repeat(5000)]),
    refusedArg("sort -o /tmp/x", ARG_ABSOLUTE, "sort", ["-o", marker, "in.txt"]),
    refusedArg("sort -o/tmp/x (value glued to the option)", ARG_ABSOLUTE, "sort", [(f) => `-o${f.marker}`, "in.txt"]),
    refusedArg("sort --output=/tmp/x", ARG_ABSOLUTE, "sort", [(f) => `--output=${f.marker}`, "in.txt"]),
    refusedArg("sort -o../outside/victim (glued ..)", ARG_DOTDOT, "sort", ["-o../outside/victim.txt", "in.txt"]),
    refusedArg("sort -mo/tmp/x (value after a flag cluster)", ARG_ABSOLUTE, "sort", [
      (f) => `-mo${f.marker}`,
      "in.txt",
    ]),
    refusedArg("tar -cf /tmp/x .", ARG_ABSOLUTE, "tar", ["-cf", (f) => `${f.marker}.tar`, "."]),
    refusedArg("tar -cf/tmp/x . (glued)", ARG_ABSOLUTE, "tar", [(f) => `-cf${f.marker}.tar`, "."]),
    refusedArg("tar -C .. -cf x.tar outside", ARG_DOTDOT, "tar", ["-C", "..", "-cf", "x.tar", "outside"]),
    refusedArg("tar --to-command with a shell string", ARG_ABSOLUTE, "tar", [
      "-xf",
      "in.tar",
      (f) => `--to-command=sh -c 'cat > ${f.marker}'`,
    ]),
    refusedArg("find -fprint /tmp/x", ARG_ABSOLUTE, "find", [".", "-fprint", marker]),
    refusedArg("find -exec sh -c 'touch /tmp/x'", ARG_ABSOLUTE, "find", [
      ".",
      "-exec",
      "sh",
      "-c",
      (f) => `touch ${f.marker}`,
      ";",
    ]),
    refusedArg("find -exec sh -c 'cd ..; touch x'", ARG_DOTDOT, "find", [
      ".",
      "-exec",
      "sh",
      "-c",
      "cd ..; touch pwned",
      ";",
    ]),
    refusedArg("grep -r root /etc", ARG_ABSOLUTE, "grep", ["-r", "root", "/etc"]),
    refusedArg("dd if=<canary>", ARG_ABSOLUTE, "dd", [
      (f) => `if=${path.join(f.outside, "secret.txt")}`,
      "status=none",
    ]),
    refusedArg("dd of=/tmp/x", ARG_ABSOLUTE, "dd", ["if=in.txt", (f) => `of=${f.marker}`]),
    refusedArg("env touch /tmp/x", ARG_ABSOLUTE, "env", ["touch", marker]),
    refusedArg(
      "curl file:///<canary>",
      ARG_ABSOLUTE,
      "curl",
      [(f) => `file://${path.join(f.outside, "secret.txt")}`],
      ["curl"],
    ),
    refusedArg("git -C .. status", ARG_DOTDOT, "git", ["-C", "..", "status"], ["git"]),
    refusedArg(
      "git -c alias.x='!touch /tmp/x' x",
      ARG_ABSOLUTE,
      "git",
      ["-c", (f) => `alias.x=!touch ${f.marker}`, "x"],
      ["git"],
    ),
    {
      category: "arguments",
      name: "program given as ../bin/cat",
      expect: "refused",
      reason: /is not a bare program name/,
      attempt: run("../bin/cat", ["in.txt"]),
    },
    {
      category: "arguments",
      name: "program given as /bin/sh",
      expect: "refused",
      reason: /is not a bare program name/,
      attempt: run("/bin/sh", ["-c", "id"]),
    },
    {
      category: "arguments",
      name: "program not on the allowlist",
      expect: "refused",
      reason: /is not an allowed command/,
      attempt: run("sh", ["-c", "id"]),
    },
    {
      category: "arguments",
      name: "find . -delete stays inside",
      expect: "contained",
      attempt: run("find", [".", "-delete"]),
      verify: async (f) => {
        return (await readdir(f.workspace)).length === 0
          ? []
          : ["find -delete left workspace files (it should only empty the workspace)"];
      },
    },
    // Links planted for a program to follow: run refuses to start while any is in the workspace.
    linkedRun("cat a symlink to the canary", "cat", ["link.txt"]),
    linkedRun("cat through a symlinked folder", "cat", ["out/secret.txt"]),
    linkedRun("grep -R follows a symlinked folder", "grep", ["-R", "CANARY", "."]),
    linkedRun("find -L . -delete follows a symlinked folder", "find", ["-L", ".", "-delete"]),
    linkedRun("cat via a symlink to /proc/self/root", "cat", ["procroot/etc/passwd"], async (f) => {
      await symlink("/proc/self/root", path.join(f.workspace, "procroot"));
    }),
    linkedRun("sort -o through a dangling symlink", "sort", ["-o", "dang", "in.txt"], async (f) => {
      await symlink(path.join(f.outside, `pwned-${f.token}`), path.join(f.workspace, "dang"));
    }),
    linkedRun("cat a hard link to the canary", "cat", ["hard.txt"], async (f) => {
      await link(path.join(f.outside, "secret.txt"), path.join(f.workspace, "hard.txt"));
    }),
    linkedRun("sort -o a hard link to an outside file", "sort", ["-o", "hard.txt", "in.txt"], async (f) => {
      await link(path.join(f.outside, "victim.txt"), path.join(f.workspace, "hard.txt"));
    }),

    // The daemon's environment and the agent's dotfiles.
    { category: "environment", name: "env shows no daemon secret", expect: "contained", attempt: run("env", []) },
    {
      category: "environment",
      name: "printenv APPRENTICE_SECRET",
      expect: "contained",
      attempt: run("printenv", ["APPRENTICE_SECRET"]),
    },
    {
      category: "environment",
      name: "printenv AWS_SECRET_ACCESS_KEY",
      expect: "contained",
      attempt: run("printenv", ["AWS_SECRET_ACCESS_KEY"]),
    },
    {
      category: "environment",
      name: "HOME is not the workspace",
      expect: "contained",
      attempt: run("printenv", ["HOME"]),
      verify: async (_f, outcome) =>
        outcome.ok && outcome.output === "exit code: 0\n/dev/null" ? [] : ["HOME is not /dev/null"],
    },
    {
      category: "environment",
      name: "curl reads no .curlrc the agent wrote",
      expect: "contained",
      needs: ["curl"],
      setup: agentWrites(
        ".curlrc",
        (f) => `url = "file://${path.join(f.outside, "secret.txt")}"\noutput = "${f.marker}"\n`,
      ),
      attempt: run("curl", ["-s"]),
    },
    {
      category: "environment",
      name: "git reads no .gitconfig alias the agent wrote",
      expect: "contained",
      needs: ["git"],
      setup: agentWrites(".gitconfig", (f) => `[alias]\n\tx = !touch ${f.marker}\n`),
      attempt: run("git", ["x"]),
    },

    // Runaway processes: timeouts, output caps, and nothing left behind.
    {
      category: "processes",
      name: "a fork tree that hangs",
      expect: "capped",
      context: processLimits(1000),
      attempt: run("forky", ["3"]),
      verify: expectNoSurvivors(/^timed out after 1000 ms$/, 1),
    },
    {
      category: "processes",
      name: "a program that hangs",
      expect: "capped",
      context: processLimits(300),
      attempt: run("hang", []),
      verify: expectNoSurvivors(/^timed out after 300 ms$/, 1),
    },
    {
      category: "processes",
      name: "background sleepers left behind on exit",
      expect: "capped",
      attempt: run("leave-behind", []),
      verify: expectNoSurvivors(/^ok$/, 6),
    },
    {
      category: "processes",
      name: "a sleeper that left the group with setsid",
      expect: "capped",
      needs: ["setsid"],
      attempt: run("daemonize", []),
      verify: expectNoSurvivors(/^ok$/, 2),
    },
    {
      category: "processes",
      name: "yes floods stdout",
      expect: "capped",
      context: processLimits(300),
      attempt: run("yes", []),
      verify: expectFloodCapped(2048),
    },
    {
      category: "processes",
      name: "a script floods stderr",
      expect: "capped",
      context: processLimits(300),
      attempt: run("flood-stderr", []),
      verify: expectFloodCapped(2048),
    },
  ];
}
