import { test } from "node:test";
import assert from "node:assert/strict";
import { buildBwrapArgs, type SandboxPolicy } from "../../src/tools/sandbox.js";

const MERGED_USR: SandboxPolicy["hostLayout"] = {
  "/bin": { kind: "symlink", target: "usr/bin" },
  "/sbin": { kind: "symlink", target: "usr/sbin" },
  "/lib": { kind: "symlink", target: "usr/lib" },
  "/lib32": { kind: "absent" },
  "/lib64": { kind: "symlink", target: "usr/lib64" },
};

function policy(overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return {
    workspaceDir: "/var/lib/apprentice/workspace",
    readOnlyDirs: [],
    network: false,
    proc: true,
    disableUserns: true,
    hostLayout: MERGED_USR,
    ...overrides,
  };
}

/** The option at `index` with its operands, for readable assertions: `["--bind", "a", "b"]`. */
function mounts(args: string[], option: string): string[][] {
  const operands: Record<string, number> = {
    "--bind": 2,
    "--ro-bind": 2,
    "--ro-bind-try": 2,
    "--symlink": 2,
    "--proc": 1,
    "--dev": 1,
    "--tmpfs": 1,
    "--remount-ro": 1,
    "--chdir": 1,
  };
  const found: string[][] = [];
  args.forEach((arg, index) => {
    if (arg === option) found.push(args.slice(index + 1, index + 1 + (operands[option] ?? 0)));
  });
  return found;
}

test("without the network grant every namespace but uts and cgroup is new, no capability is kept and nested namespaces are off", () => {
  const args = buildBwrapArgs(policy());
  for (const option of [
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-net",
    "--die-with-parent",
    "--new-session",
    "--disable-userns",
  ]) {
    assert.ok(args.includes(option), `${option} missing`);
  }
  assert.equal(args[args.indexOf("--cap-drop") + 1], "ALL");
  assert.ok(!args.includes("--unshare-uts") && !args.includes("--unshare-cgroup") && !args.includes("--unshare-all"));
  assert.ok(!args.some((arg) => arg.includes("resolv.conf") || arg.startsWith("/etc/ssl")));
});

test("with the network grant the net namespace is shared and the resolver and public CA files are shown, never ssl/private", () => {
  const args = buildBwrapArgs(policy({ network: true }));
  assert.ok(!args.includes("--unshare-net"));
  const etc = mounts(args, "--ro-bind-try").map(([source]) => source);
  for (const entry of ["/etc/resolv.conf", "/etc/hosts", "/etc/ssl/certs", "/etc/ca-certificates"])
    assert.ok(etc.includes(entry), `${entry} missing`);
  assert.ok(!args.some((arg) => arg.includes("private")));
});

test("only /usr, the system links, a short /etc list, a new /dev, /tmp and /proc, the command folders and the workspace are mounted", () => {
  const args = buildBwrapArgs(policy({ readOnlyDirs: ["/opt/tools", "/srv/scripts"] }));
  assert.deepEqual(mounts(args, "--ro-bind"), [["/usr", "/usr"]]);
  assert.deepEqual(mounts(args, "--symlink"), [
    ["usr/bin", "/bin"],
    ["usr/sbin", "/sbin"],
    ["usr/lib", "/lib"],
    ["usr/lib64", "/lib64"],
  ]);
  const tried = mounts(args, "--ro-bind-try");
  for (const [source, target] of tried) {
    assert.equal(source, target, "every mount sits at its own path");
    assert.ok(
      source?.startsWith("/etc/") || source === "/opt/tools" || source === "/srv/scripts",
      `unexpected ${source}`,
    );
    assert.ok(!/shadow|sudoers|ssh|gshadow|apprentice/.test(source ?? ""), `${source} must never be shown`);
  }
  assert.ok(tried.some(([source]) => source === "/opt/tools") && tried.some(([source]) => source === "/srv/scripts"));
  assert.deepEqual(mounts(args, "--bind"), [["/var/lib/apprentice/workspace", "/var/lib/apprentice/workspace"]]);
  assert.deepEqual(mounts(args, "--dev"), [["/dev"]]);
  assert.deepEqual(mounts(args, "--tmpfs"), [["/tmp"], ["/proc/sys"]]);
  assert.deepEqual(mounts(args, "--proc"), [["/proc"]]);
  assert.deepEqual(mounts(args, "--remount-ro"), [["/proc/sys"], ["/"]]);
  assert.deepEqual(mounts(args, "--chdir"), [["/var/lib/apprentice/workspace"]]);
  for (const hidden of ["/home", "/root", "/var/lib/apprentice", "/opt", "/srv", "/run", "/sys", "/etc"]) {
    assert.ok(!args.includes(hidden), `${hidden} must not be mounted`);
  }
  // The workspace is mounted after the command folders, so it wins over one that contains it; the root goes read-only last.
  assert.ok(args.lastIndexOf("/srv/scripts") < args.indexOf("--bind"));
  assert.ok(args.lastIndexOf("--remount-ro") > args.indexOf("--bind"));
  assert.equal(args[args.lastIndexOf("--remount-ro") + 1], "/");
});

test("where the probe could not forbid nested user namespaces, --disable-userns is left out; capabilities are dropped all the same", () => {
  const args = buildBwrapArgs(policy({ disableUserns: false }));
  assert.ok(!args.includes("--disable-userns"));
  assert.equal(args[args.indexOf("--cap-drop") + 1], "ALL");
});

test("without /proc nothing is mounted there (the host's /proc is never bound)", () => {
  const args = buildBwrapArgs(policy({ proc: false }));
  assert.deepEqual(mounts(args, "--proc"), []);
  assert.deepEqual(mounts(args, "--tmpfs"), [["/tmp"]]);
  assert.ok(!args.includes("/proc"));
});

test("directories at the top of an unmerged system are bound read-only, absent ones are left out", () => {
  const args = buildBwrapArgs(
    policy({
      hostLayout: {
        "/bin": { kind: "dir" },
        "/lib": { kind: "dir" },
        "/sbin": { kind: "symlink", target: "usr/sbin" },
      },
    }),
  );
  assert.deepEqual(mounts(args, "--ro-bind"), [
    ["/usr", "/usr"],
    ["/bin", "/bin"],
    ["/lib", "/lib"],
  ]);
  assert.deepEqual(mounts(args, "--symlink"), [["usr/sbin", "/sbin"]]);
  for (const absent of ["/lib32", "/lib64", "/libx32"]) assert.ok(!args.includes(absent));
});

test("the probe's policy has no workspace: it runs from / and binds nothing writable; the status descriptor is passed on", () => {
  const { workspaceDir: _unused, ...rest } = policy();
  const args = buildBwrapArgs({ ...rest, statusFd: 3 });
  assert.deepEqual(mounts(args, "--bind"), []);
  assert.deepEqual(mounts(args, "--chdir"), [["/"]]);
  assert.equal(args[args.indexOf("--json-status-fd") + 1], "3");
});
