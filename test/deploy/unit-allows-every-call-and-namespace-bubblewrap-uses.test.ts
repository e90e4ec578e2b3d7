// The unit's system call filter, namespace list and address families allow everything bubblewrap does when it runs a
// command the way the daemon runs one, as an unprivileged user: traced with strace and checked against the filter as
// `systemd-analyze syscall-filter` expands it. No systemd runs here, so this is how the unit's limits are tried on
// the sandbox; a call, namespace or socket family missing from the unit would make every command fail with EPERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildBwrapArgs, type SandboxPolicy } from "../../src/tools/sandbox.js";
import { probeSandbox, readHostLayout } from "../../src/tools/sandbox-probe.js";
import { findOnPath, parseUnit, run, skipLoudly, UNIT_FILE } from "./helpers/deploy-fixture.js";

/** Every call a `@group` or name stands for, groups expanded recursively. */
async function expandSyscalls(entry: string, seen = new Set<string>()): Promise<Set<string>> {
  const names = new Set<string>();
  if (!entry.startsWith("@")) return new Set([entry]);
  if (seen.has(entry)) return names;
  seen.add(entry);
  const listed = await run("systemd-analyze", ["syscall-filter", entry]);
  assert.equal(listed.code, 0, listed.stderr);
  for (const line of listed.stdout.split("\n").slice(1)) {
    const name = line.trim().split(/\s+/)[0] ?? "";
    if (name === "" || name.startsWith("#")) continue;
    for (const expanded of await expandSyscalls(name, seen)) names.add(expanded);
  }
  return names;
}

/**
 * The calls a list of SystemCallFilter= lines allows, as systemd merges them: the first line (an allow list here)
 * sets the default; later plain lines add, later `~` lines take away.
 */
async function allowedSyscalls(lines: readonly string[]): Promise<Set<string>> {
  const [first, ...rest] = lines;
  assert.ok(first !== undefined && !first.startsWith("~"), "the unit's filter starts with an allow list");
  const allowed = new Set<string>();
  const apply = async (line: string, add: boolean): Promise<void> => {
    for (const entry of line.replace(/^~/, "").split(/\s+/).filter(Boolean)) {
      for (const name of await expandSyscalls(entry)) {
        if (add) allowed.add(name);
        else allowed.delete(name);
      }
    }
  };
  await apply(first, true);
  for (const line of rest) await apply(line, !line.startsWith("~"));
  return allowed;
}

const NAMESPACE_FLAGS: Record<string, string> = {
  CLONE_NEWUSER: "user",
  CLONE_NEWNS: "mnt",
  CLONE_NEWPID: "pid",
  CLONE_NEWNET: "net",
  CLONE_NEWIPC: "ipc",
  CLONE_NEWUTS: "uts",
  CLONE_NEWCGROUP: "cgroup",
  CLONE_NEWTIME: "time",
};

/** What a strace -f log shows: the calls made, the namespaces asked for, the socket families opened. */
function readTrace(text: string): { calls: Set<string>; namespaces: Set<string>; families: Set<string> } {
  const calls = new Set<string>();
  const namespaces = new Set<string>();
  const families = new Set<string>();
  for (const line of text.split("\n")) {
    const call = /^\d+\s+(?:<\.\.\. )?([a-z_0-9]+)[( ]/.exec(line)?.[1];
    if (call === undefined) continue;
    calls.add(call);
    if (call === "unshare" || call === "clone" || call === "clone3" || call === "setns") {
      for (const flag of line.match(/CLONE_NEW[A-Z]+/g) ?? []) namespaces.add(NAMESPACE_FLAGS[flag] ?? flag);
    }
    if (call === "socket" || call === "socketpair") {
      const family = /\((AF_[A-Z0-9]+)/.exec(line)?.[1];
      if (family !== undefined) families.add(family);
    }
  }
  return { calls, namespaces, families };
}

test("every call, namespace and socket family bubblewrap uses to run a command is allowed by the unit", async (t) => {
  for (const program of ["systemd-analyze", "strace", "setpriv"]) {
    if (findOnPath(program) === undefined) {
      skipLoudly(t, `${program} not found: install Debian's systemd, strace and util-linux packages (.ci/run does) to try the unit's limits on bubblewrap`);
      return;
    }
  }
  const status = await probeSandbox();
  if (!status.available) {
    skipLoudly(t, "bubblewrap is not available: install Debian's bubblewrap package (.ci/run does)");
    return;
  }
  if (process.getuid?.() !== 0) {
    skipLoudly(t, "not root: the trace runs bubblewrap as the unprivileged user nobody, which needs root to switch to");
    return;
  }
  const service = parseUnit(await readFile(UNIT_FILE, "utf8")).get("Service");
  const allowed = await allowedSyscalls(service?.get("SystemCallFilter") ?? []);
  const namespaces = new Set((service?.get("RestrictNamespaces")?.[0] ?? "").split(/\s+/));
  const families = new Set((service?.get("RestrictAddressFamilies")?.[0] ?? "").split(/\s+/));
  // The filter can fail this test: without its last line bwrap's pivot_root and capset are denied.
  const withoutBwrapLine = await allowedSyscalls((service?.get("SystemCallFilter") ?? []).slice(0, -1));
  assert.equal(withoutBwrapLine.has("pivot_root") || withoutBwrapLine.has("capset"), false);

  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-unit-trace-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o777);
  const hostLayout = await readHostLayout();
  // The service's sandbox under ProtectKernelTunables (no /proc, nested user namespaces allowed) and the best one.
  const policies: SandboxPolicy[] = [
    { workspaceDir: dir, readOnlyDirs: [], network: false, proc: false, disableUserns: false, hostLayout },
    { workspaceDir: dir, readOnlyDirs: [], network: false, proc: true, disableUserns: true, hostLayout },
  ];
  for (const [index, policy] of policies.entries()) {
    const traceFile = path.join(dir, `trace-${index}.txt`);
    const command = ["/bin/sh", "-c", "echo hello > out.txt && cat out.txt && ls >/dev/null && (sleep 5 &) && setsid true"];
    const traced = await run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "strace", "-f", "-qq", "-o", traceFile, status.bwrapPath, ...buildBwrapArgs(policy), "--", ...command], { cwd: dir });
    assert.equal(traced.code, 0, `policy ${index}: ${traced.stdout}${traced.stderr}`);
    assert.equal(traced.stdout, "hello\n", `policy ${index}: the command ran in the sandbox`);
    const trace = readTrace(await readFile(traceFile, "utf8"));
    assert.ok(trace.calls.has("pivot_root") && trace.calls.has("mount"), `policy ${index}: the trace saw bwrap set up its mounts`);
    assert.deepEqual([...trace.calls].filter((call) => !allowed.has(call)).sort(), [], `policy ${index}: calls the unit's SystemCallFilter= denies`);
    assert.ok(trace.namespaces.has("user") && trace.namespaces.has("pid"), `policy ${index}: the trace saw bwrap make its namespaces`);
    assert.deepEqual([...trace.namespaces].filter((name) => !namespaces.has(name)).sort(), [], `policy ${index}: namespaces the unit's RestrictNamespaces= denies`);
    assert.deepEqual([...trace.families].filter((family) => !families.has(family)).sort(), [], `policy ${index}: socket families the unit's RestrictAddressFamilies= denies`);
  }
});
