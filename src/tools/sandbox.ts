// The bubblewrap command line for one sandboxed program, built from a policy; invariant: only the workspace is writable, nothing of the host but system files, the operator's command folders and the workspace is visible, and no capability survives.

/** How one top-level system path (`/bin`, `/lib64`, …) looks on the host. */
export type HostPathKind = { kind: "symlink"; target: string } | { kind: "dir" } | { kind: "absent" };

/** The host's top-level system paths that merged-/usr systems make symlinks and older ones directories. */
export const SYSTEM_TOP_PATHS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] as const;

/**
 * `/etc` entries every sandbox sees read-only (each only when present): the dynamic loader's cache, the time zone,
 * user and group names, name-service switch and Debian's alternatives links (`/usr/bin/awk` leads through them).
 * Never shadow, gshadow, sudoers, ssh, ssl/private or anything of the daemon's own.
 */
export const ETC_ENTRIES = [
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "localtime",
  "timezone",
  "passwd",
  "group",
  "nsswitch.conf",
  "host.conf",
  "alternatives",
  "os-release",
  "debian_version",
  "magic",
  "magic.mime",
  "mime.types",
] as const;

/** `/etc` entries added for a program granted the network: resolvers and public CA certificates, never private keys. */
export const NETWORK_ETC_ENTRIES = [
  "resolv.conf",
  "hosts",
  "gai.conf",
  "ssl/certs",
  "ssl/openssl.cnf",
  "ca-certificates",
  "ca-certificates.conf",
] as const;

/** What one sandboxed run may see and do. */
export interface SandboxPolicy {
  /**
   * The only writable host folder, bound at its own real path and the working directory. Absent only for the
   * availability probe, which runs a program that touches nothing.
   */
  workspaceDir?: string;
  /**
   * Host folders bound read-only at their own paths (config `tools.commandDirs`), each only when present. One that
   * holds the state dir would show the state's files read-only: the operator's choice.
   */
  readOnlyDirs: readonly string[];
  /** Share the host's network namespace (and see its resolver and CA files); otherwise only a down `lo` exists. */
  network: boolean;
  /** Mount a procfs of the sandbox's own pid namespace at `/proc` (never the host's). */
  proc: boolean;
  /**
   * Forbid user namespaces inside (`--disable-userns`), which takes a kernel attack surface away. bwrap does it by
   * writing `/proc/sys/user/max_user_namespaces`, which systemd's ProtectKernelTunables makes read-only.
   */
  disableUserns: boolean;
  /** How each of {@link SYSTEM_TOP_PATHS} looks on the host; a missing entry counts as absent. */
  hostLayout: Readonly<Record<string, HostPathKind>>;
  /** File descriptor bwrap writes its JSON status to (`{"child-pid": N}` once the program started). */
  statusFd?: number;
}

/**
 * The bwrap options (everything before `--`) for `policy`. Pure: the caller appends `--`, the program and its
 * arguments. Order matters: later mounts cover earlier ones, so the workspace comes last and wins over a
 * command folder that happens to contain it.
 */
export function buildBwrapArgs(policy: SandboxPolicy): string[] {
  const args = ["--unshare-user", "--unshare-pid", "--unshare-ipc"];
  if (!policy.network) args.push("--unshare-net");
  // --cap-drop ALL: bwrap run by root keeps every capability inside its user namespace, enough to remount a
  // read-only bind read-write and write the host's /usr. (A nested user namespace regains capabilities only over
  // its own namespaces: the kernel locks the read-only mounts it inherits.)
  args.push("--die-with-parent", "--new-session", "--cap-drop", "ALL");
  if (policy.disableUserns) args.push("--disable-userns");
  args.push("--ro-bind", "/usr", "/usr");
  for (const top of SYSTEM_TOP_PATHS) {
    const host = policy.hostLayout[top] ?? { kind: "absent" };
    if (host.kind === "symlink") args.push("--symlink", host.target, top);
    else if (host.kind === "dir") args.push("--ro-bind", top, top);
  }
  const etc = policy.network ? [...ETC_ENTRIES, ...NETWORK_ETC_ENTRIES] : ETC_ENTRIES;
  for (const entry of etc) args.push("--ro-bind-try", `/etc/${entry}`, `/etc/${entry}`);
  args.push("--dev", "/dev", "--tmpfs", "/tmp");
  // Sysctls are writable by euid 0 on mode bits alone, and a sandbox started by root keeps euid 0 (mapped to the
  // host's root): /proc/sys/kernel/core_pattern written from inside is a way out. bwrap covers /proc/sys only when
  // the directory itself is writable, which it never is, so it is hidden here behind an empty read-only tmpfs.
  if (policy.proc) args.push("--proc", "/proc", "--tmpfs", "/proc/sys", "--remount-ro", "/proc/sys");
  // A command folder that does not exist is skipped, as the bare lookup skips it.
  for (const dir of policy.readOnlyDirs) args.push("--ro-bind-try", dir, dir);
  if (policy.workspaceDir !== undefined) args.push("--bind", policy.workspaceDir, policy.workspaceDir);
  // The skeleton bwrap built the mounts on (a tmpfs) becomes read-only, so a write beside the workspace fails
  // loudly instead of landing in a throwaway directory.
  args.push("--remount-ro", "/");
  args.push("--chdir", policy.workspaceDir ?? "/");
  if (policy.statusFd !== undefined) args.push("--json-status-fd", String(policy.statusFd));
  return args;
}
