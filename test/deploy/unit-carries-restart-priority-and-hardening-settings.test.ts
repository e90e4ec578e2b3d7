// deploy/apprentice.service runs `apprentice start` as its own user on /var/lib/apprentice, restarts with limits, runs at low priority, logs to the journal and is hardened; install.sh agrees on its paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { INSTALL_SH, parseUnit, REPO, UNIT_FILE } from "./helpers/deploy-fixture.js";

/** systemd time spans as this unit writes them ("150s", "15min", "30s"), in seconds. */
function toSeconds(span: string): number {
  const match = /^(\d+)\s*(s|min)?$/.exec(span);
  if (!match) throw new Error(`unexpected time span ${span}`);
  return Number(match[1]) * (match[2] === "min" ? 60 : 1);
}

/** A `readonly NAME=value` of install.sh. */
function shellConstant(script: string, name: string): string {
  const match = new RegExp(`^readonly ${name}=(.*)$`, "m").exec(script);
  if (!match?.[1]) throw new Error(`install.sh has no readonly ${name}`);
  return match[1].replace(/^"|"$/g, "");
}

test("the unit runs apprentice start as its own user on the state dir, with restart limits, low priority, journal logs and hardening", async () => {
  const text = await readFile(UNIT_FILE, "utf8");
  const unit = parseUnit(text);
  const section = (name: string): Map<string, string[]> => {
    const found = unit.get(name);
    assert.ok(found, `[${name}] section`);
    return found;
  };
  const service = section("Service");
  const one = (key: string): string | undefined => {
    const values = service.get(key);
    assert.ok(values === undefined || values.length === 1, `${key} is set once`);
    return values?.[0];
  };

  // What runs, as whom, on which state.
  assert.equal(one("User"), "apprentice");
  assert.equal(one("Group"), "apprentice");
  assert.equal(one("StateDirectory"), "apprentice");
  assert.equal(one("CacheDirectory"), "apprentice");
  assert.ok(service.get("Environment")?.includes("APPRENTICE_CACHE_DIR=/var/cache/apprentice"), "the cache is not in the read-only program dir");
  // The state dir is named once, as APPRENTICE_STATE (the default of --state for the service), and passed on from it.
  assert.ok(service.get("Environment")?.includes("APPRENTICE_STATE=/var/lib/apprentice"), "the service's APPRENTICE_STATE");
  assert.equal(one("ExecStart"), "/opt/apprentice/bin/apprentice.js start --state ${APPRENTICE_STATE}");
  assert.ok(service.get("Environment")?.includes("APPRENTICE_LOG=info"));

  // Restarts, but not forever and not when the daemon says the operator must fix something (exit 2).
  assert.equal(one("Restart"), "on-failure");
  assert.ok(toSeconds(one("RestartSec") ?? "0") >= 5, "RestartSec leaves time between tries");
  assert.equal(one("RestartPreventExitStatus"), "2");
  const unitSection = section("Unit");
  const burst = Number(unitSection.get("StartLimitBurst")?.[0]);
  const interval = toSeconds(unitSection.get("StartLimitIntervalSec")?.[0] ?? "0");
  assert.ok(burst >= 1 && burst <= 10, "StartLimitBurst is set and small");
  assert.ok(interval >= burst * toSeconds(one("RestartSec") ?? "0"), "the start limit interval spans the restarts, so the limit can trip");

  // Stops cleanly: SIGTERM to the daemon, with time to finish a step (limits.stepTimeoutMs defaults to 60 s).
  assert.equal(one("KillSignal"), "SIGTERM");
  assert.equal(one("KillMode"), "mixed");
  assert.ok(toSeconds(one("TimeoutStopSec") ?? "0") >= 90);

  // Leaves the board usable.
  assert.ok(Number(one("Nice")) >= 5);
  const ioClass = one("IOSchedulingClass");
  assert.ok(ioClass === "idle" || (ioClass === "best-effort" && Number(one("IOSchedulingPriority")) >= 4), `I/O class ${ioClass}`);

  // Logs.
  assert.equal(one("StandardOutput"), "journal");
  assert.equal(one("StandardError"), "journal");
  assert.equal(one("SyslogIdentifier"), "apprentice");

  // Hardening that the brief requires, and the cheap extras.
  const hardening: Record<string, string> = {
    NoNewPrivileges: "yes",
    ProtectSystem: "strict",
    ProtectHome: "yes",
    PrivateTmp: "yes",
    PrivateDevices: "yes",
    ProtectKernelTunables: "yes",
    ProtectKernelModules: "yes",
    ProtectControlGroups: "yes",
    RestrictSUIDSGID: "yes",
    LockPersonality: "yes",
    CapabilityBoundingSet: "",
    PrivateUsers: "yes",
    PrivateNetwork: "yes",
    IPAddressDeny: "any",
    RestrictAddressFamilies: "AF_UNIX AF_NETLINK",
  };
  for (const [key, value] of Object.entries(hardening)) assert.equal(one(key), value, key);
  // bubblewrap's namespaces for the agent's commands, and no others; its mount calls and capset on top of
  // @system-service, with the rest of @privileged still denied.
  assert.equal(one("RestrictNamespaces"), "user mnt pid net ipc");
  assert.deepEqual(service.get("SystemCallFilter"), ["@system-service @mount", "~@privileged", "pivot_root capset"]);
  // StateDirectory= makes the state dir writable under ProtectSystem=strict; nothing else needs to be.
  assert.equal(service.get("ReadWritePaths"), undefined);
  // These would break the daemon: V8's JIT needs W+X memory; ProcSubset=pid hides /proc/meminfo from the sensors.
  assert.notEqual(one("MemoryDenyWriteExecute"), "yes");
  assert.equal(one("ProcSubset"), undefined);
  // A hard memory cap is offered, commented, with what it needs on a Pi.
  assert.match(text, /^#MemoryMax=/m);
  assert.match(text, /cgroup_enable=memory/);

  assert.equal(section("Install").get("WantedBy")?.[0], "multi-user.target");
});

test("install.sh puts the program, the state dir and the unit where the unit expects them, and asks for package.json's Node", async () => {
  const script = await readFile(INSTALL_SH, "utf8");
  const unit = parseUnit(await readFile(UNIT_FILE, "utf8")).get("Service");
  const programDir = shellConstant(script, "PROGRAM_DIR");
  const stateDir = shellConstant(script, "STATE_DIR");
  assert.equal(unit?.get("ExecStart")?.[0]?.split(" ")[0], `${programDir}/bin/apprentice.js`);
  assert.ok(unit?.get("ExecStart")?.[0]?.endsWith("--state ${APPRENTICE_STATE}"));
  assert.ok(unit?.get("Environment")?.includes(`APPRENTICE_STATE=${stateDir}`));
  assert.equal(`/var/lib/${unit?.get("StateDirectory")?.[0] ?? ""}`, stateDir);
  assert.equal(unit?.get("User")?.[0], shellConstant(script, "SERVICE_USER"));
  assert.equal(shellConstant(script, "UNIT_NAME"), path.basename(UNIT_FILE));

  const packageJson = JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")) as { engines: { node: string }; files: string[] };
  assert.equal(packageJson.engines.node, `>=${shellConstant(script, "MIN_NODE")}`);
  // install.sh installs what `npm pack` ships: the launcher and the unit must be in it.
  assert.ok(packageJson.files.includes("bin") && packageJson.files.includes("deploy") && packageJson.files.includes("dist/src"));
});
