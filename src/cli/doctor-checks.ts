// The checks behind `apprentice doctor`: each returns a status, what it found and, when not ok, a remedy. Reads only; the one write probe removes its file.
import { randomBytes } from "node:crypto";
import { open, rm, stat } from "node:fs/promises";
import path from "node:path";
import { describeModelRemedy, PULL_ADVICE } from "../brain/model-file-problem.js";
import { formatSize, type BindingProbe, type GgufInspection, type GgufSummary } from "../brain/model-inspect.js";
import type { EstimateResult } from "../brain/brain.js";
import { parseConfig, resolveModelPath, type Config } from "../config.js";
import type { LockHolder } from "../daemon/state-lock.js";
import { fsyncDir, TEMP_SUFFIX } from "../memory/durable-write.js";
import { statePaths, type StatePaths } from "../memory/state-paths.js";
import type { Sensors } from "../sense/read-sensors.js";
import { readConfigFile } from "../config-file.js";
import { decodeThrottleBits, describeThrottleBits } from "../sense/throttle-bits.js";
import { checkModelKind } from "./doctor-model-kind-check.js";
import { checkCharter, checkGoals } from "./doctor-state-file-checks.js";
import { checkOperatorChannel, checkOperatorFiles } from "./doctor-trust-checks.js";
import { describeSandboxStatus, type SandboxStatus } from "../tools/sandbox-probe.js";
import { NO_SANDBOX_REMEDY } from "../tools/sandbox-settings.js";

export type CheckStatus = "ok" | "warn" | "fail";

export interface DoctorCheck {
  id:
    | "node"
    | "binding"
    | "config"
    | "goals"
    | "charter"
    | "model"
    | "instruct"
    | "memory"
    | "temperature"
    | "throttle"
    | "disk"
    | "state-dir"
    | "lock"
    | "sandbox"
    | "operator"
    | "permissions";
  status: CheckStatus;
  finding: string;
  /** What to do about it; present when the status is not ok. */
  remedy?: string;
}

/** Everything with an effect beyond reading the state dir arrives here, so the checks can be run against fakes. */
export interface DoctorDeps {
  stateDir: string;
  /** `--model PATH`, taking the place of model.path. */
  modelOverride?: string;
  /** `process.versions.node`. */
  nodeVersion: string;
  /** package.json `engines.node`, e.g. `>=20.19.0`. */
  requiredNode: string;
  probeBinding(): Promise<BindingProbe>;
  inspectModel(file: string): Promise<GgufInspection>;
  estimate(file: string, contextSize: number): Promise<EstimateResult>;
  readSensors(): Promise<Sensors>;
  readLockHolder(): Promise<LockHolder | undefined>;
  /** What bwrap can do here (probeSandbox). */
  probeSandbox(): Promise<SandboxStatus>;
}

/** Below this much free disk the state's own writes are at risk. */
const DISK_FAIL_MB = 100;
/** Below this much free disk a model pull or a long journal will not fit. */
const DISK_WARN_MB = 500;
const MB = 1024 * 1024;

/** Runs every check in a fixed order; never throws for what it finds. */
export async function runDoctorChecks(deps: DoctorDeps): Promise<DoctorCheck[]> {
  const paths = statePaths(deps.stateDir);
  const checks: DoctorCheck[] = [checkNode(deps.nodeVersion, deps.requiredNode)];
  const binding = await deps.probeBinding();
  checks.push(
    binding.ok
      ? { id: "binding", status: "ok", finding: `llama.cpp binding loads (${binding.detail})` }
      : {
          id: "binding",
          status: "fail",
          finding: `the llama.cpp binding does not load: ${binding.reason}`,
          remedy:
            "run `npm ci` on this board so node-llama-cpp installs its prebuilt binary for this platform (linux arm64/x64)",
        },
  );
  const config = await checkConfig(paths);
  checks.push(config.check, await checkGoals(paths), await checkCharter(paths));
  const sensors = await deps.readSensors();
  const model = await checkModel(deps, paths, config);
  checks.push(model.check, checkModelKind(model.summary));
  checks.push(await checkMemory(deps, model.file, config.config, sensors));
  checks.push(checkTemperature(sensors, config.config), checkThrottle(sensors), checkDisk(sensors, paths.root));
  checks.push(await checkWritable(paths.root), await checkLock(deps, paths));
  checks.push(await checkSandbox(deps, config.config));
  checks.push(await checkOperatorChannel(paths, deps.readLockHolder), await checkOperatorFiles(paths));
  return checks;
}

function checkNode(version: string, required: string): DoctorCheck {
  const minimum = /(\d+)\.(\d+)\.(\d+)/.exec(required);
  const have = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (minimum === null || have === null)
    return {
      id: "node",
      status: "warn",
      finding: `cannot compare Node ${version} with ${required}`,
      remedy: "use Node 20.19 or later",
    };
  const toNumber = (match: RegExpExecArray): number =>
    Number(match[1]) * 1e6 + Number(match[2]) * 1e3 + Number(match[3]);
  if (toNumber(have) >= toNumber(minimum))
    return { id: "node", status: "ok", finding: `Node ${version} (needs ${required})` };
  return {
    id: "node",
    status: "fail",
    finding: `Node ${version} is older than ${required}`,
    remedy: `install Node ${required.replace(/^>=/, "")} or later, then run \`npm ci\` again`,
  };
}

/** The config check's outcome: the parsed config, or for a config with a bad field, model.path as written. */
interface ConfigOutcome {
  check: DoctorCheck;
  config?: Config;
  writtenModelPath?: string;
}

async function checkConfig(paths: StatePaths): Promise<ConfigOutcome> {
  const dir = await stat(paths.root).catch(() => undefined);
  if (dir === undefined || !dir.isDirectory()) {
    return {
      check: {
        id: "config",
        status: "fail",
        finding: `${paths.root} is not a state dir`,
        remedy: `create it with \`apprentice init ${paths.root}\``,
      },
    };
  }
  let read: Awaited<ReturnType<typeof readConfigFile>>;
  try {
    read = await readConfigFile(paths.config);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const finding = `${error instanceof Error ? error.message : String(error)}${cause}`;
    return { check: { id: "config", status: "fail", finding, remedy: `make ${paths.config} a readable file` } };
  }
  if (read.status === "missing") {
    return {
      check: {
        id: "config",
        status: "fail",
        finding: read.message,
        remedy: `run \`apprentice init ${paths.root}\` to write it from the template (existing files are kept)`,
      },
    };
  }
  if (read.status === "invalid") {
    const remedy =
      read.kind === "json"
        ? `fix the JSON syntax at the line and column named in ${paths.config} (nothing moves or rewrites it; \`once\` and \`start\` refuse it until it is fixed)`
        : `edit ${paths.config} and fix the field(s) named; \`apprentice config --defaults\` describes each setting`;
    const written = (read.raw as { model?: { path?: unknown } } | undefined)?.model?.path;
    return {
      check: { id: "config", status: "fail", finding: read.message, remedy },
      ...(typeof written === "string" && written.length > 0 ? { writtenModelPath: written } : {}),
    };
  }
  const model = read.config.model.path === null ? "no model set" : `model ${read.config.model.path}`;
  return {
    check: {
      id: "config",
      status: "ok",
      finding: `config.json is valid (${model}, schedule "${read.config.schedule.cron}")`,
    },
    config: read.config,
  };
}

/** The model check; `file` and `summary` when the file is a complete GGUF (for the memory and instruct checks). */
async function checkModel(
  deps: DoctorDeps,
  paths: StatePaths,
  outcome: ConfigOutcome,
): Promise<{ check: DoctorCheck; file?: string; summary?: GgufSummary }> {
  const { config, writtenModelPath } = outcome;
  if (config === undefined && deps.modelOverride === undefined && writtenModelPath === undefined) {
    return {
      check: {
        id: "model",
        status: "warn",
        finding: "not checked: no valid config to name it",
        remedy: "fix the config first",
      },
    };
  }
  // A config with a bad field elsewhere still names its model; checking it saves the operator a second round.
  const settings = config ?? parseConfig({ model: { path: writtenModelPath ?? null } }, "defaults");
  const file = resolveModelPath(settings, paths.root, deps.modelOverride);
  if (file === undefined)
    return {
      check: {
        id: "model",
        status: "fail",
        finding: "no model is configured (model.path is null)",
        remedy: PULL_ADVICE,
      },
    };
  const inspection = await deps.inspectModel(file);
  if (!inspection.ok) {
    // The same diagnosis and remedy as `once` and `start` give (formatModelFileProblem).
    const remedy = describeModelRemedy(inspection.problem).replace("config.json", paths.config);
    return { check: { id: "model", status: "fail", finding: inspection.detail, remedy } };
  }
  const { summary } = inspection;
  const facts = [summary.architecture ?? "unknown architecture", summary.quantization, formatSize(summary.sizeBytes)];
  if (summary.trainContextSize !== undefined) facts.push(`trained context ${summary.trainContextSize}`);
  const name = summary.name !== undefined ? ` "${summary.name}"` : "";
  const finding = `${file}: GGUF v${summary.version}, ${facts.filter((fact) => fact !== undefined).join(", ")}${name}`;
  if (!summary.supported) {
    return {
      check: {
        id: "model",
        status: "warn",
        finding: `${finding}; this llama.cpp build may not know its architecture`,
        remedy: "update node-llama-cpp, or pick a model from `apprentice model recommend`",
      },
      file,
      summary,
    };
  }
  return { check: { id: "model", status: "ok", finding }, file, summary };
}

async function checkMemory(
  deps: DoctorDeps,
  file: string | undefined,
  config: Config | undefined,
  sensors: Sensors,
): Promise<DoctorCheck> {
  if (file === undefined)
    return { id: "memory", status: "warn", finding: "not checked: no usable model", remedy: "fix the model first" };
  const settings = config ?? parseConfig({}, "defaults");
  const result = await deps.estimate(file, settings.model.contextSize);
  if (!result.ok)
    return {
      id: "memory",
      status: "warn",
      finding: `cannot estimate the model's memory: ${result.reason}`,
      remedy: "check the model file",
    };
  const { estimate } = result;
  const needMB = Math.ceil(estimate.totalBytes / MB);
  const reserveMB = settings.limits.reserveRamMB;
  const parts = `model ${Math.ceil(estimate.modelBytes / MB)} MB + context ${Math.ceil(estimate.contextBytes / MB)} MB at ${estimate.contextSize} tokens`;
  const figures = `needs about ${needMB} MB (${parts}); ${sensors.availableRamMB} of ${sensors.totalRamMB} MB available, reserve ${reserveMB} MB`;
  if (sensors.availableRamMB >= needMB + reserveMB) return { id: "memory", status: "ok", finding: figures };
  if (sensors.totalRamMB >= needMB + reserveMB) {
    return {
      id: "memory",
      status: "warn",
      finding: `${figures}: not enough free now, so cycles are skipped as low-memory`,
      remedy:
        "stop other programs, lower model.contextSize or limits.reserveRamMB, or pick a smaller model (`apprentice model recommend`)",
    };
  }
  return {
    id: "memory",
    status: "fail",
    finding: `${figures}: more than this board has`,
    remedy: "pick a smaller model or quantization (`apprentice model recommend`), or lower model.contextSize",
  };
}

function checkTemperature(sensors: Sensors, config: Config | undefined): DoctorCheck {
  const maxTempC = (config ?? parseConfig({}, "defaults")).limits.maxTempC;
  if (sensors.cpuTempC === undefined) {
    return {
      id: "temperature",
      status: "warn",
      finding: "CPU temperature is not readable here, so the too-hot gate cannot protect the board",
      remedy: "on a Pi, check that /sys/class/thermal/thermal_zone0/temp is readable by this user",
    };
  }
  if (sensors.cpuTempC > maxTempC) {
    return {
      id: "temperature",
      status: "warn",
      finding: `CPU at ${sensors.cpuTempC}°C, above limits.maxTempC ${maxTempC}°C: cycles are skipped as too-hot`,
      remedy: "add a heatsink or fan, or give the board more air",
    };
  }
  return { id: "temperature", status: "ok", finding: `CPU at ${sensors.cpuTempC}°C (limit ${maxTempC}°C)` };
}

function checkThrottle(sensors: Sensors): DoctorCheck {
  if (sensors.throttled === undefined)
    return { id: "throttle", status: "ok", finding: "no firmware throttle bits here (not a Raspberry Pi)" };
  const state = decodeThrottleBits(sensors.throttled);
  if (state === undefined)
    return {
      id: "throttle",
      status: "warn",
      finding: `unreadable throttle bits "${sensors.throttled}"`,
      remedy: "run `vcgencmd get_throttled` to see them",
    };
  if (state.value === 0)
    return { id: "throttle", status: "ok", finding: `${sensors.throttled}: no under-voltage or throttling since boot` };
  const finding = describeThrottleBits(sensors.throttled);
  const remedy =
    state.now.includes("under-voltage") || state.sinceBoot.includes("under-voltage")
      ? "use the official power supply (5 V, 3 A or more) and a short, thick cable; under-voltage corrupts SD cards"
      : "improve cooling; a throttled CPU makes every cycle slower";
  return { id: "throttle", status: state.underVoltageNow ? "fail" : "warn", finding, remedy };
}

function checkDisk(sensors: Sensors, root: string): DoctorCheck {
  if (sensors.diskFreeMB === undefined)
    return {
      id: "disk",
      status: "warn",
      finding: `free space of the filesystem holding ${root} is unknown`,
      remedy: "check it with `df -h`",
    };
  const finding = `${sensors.diskFreeMB} MB free on the filesystem holding ${root}`;
  if (sensors.diskFreeMB < DISK_FAIL_MB)
    return {
      id: "disk",
      status: "fail",
      finding,
      remedy: "free space: old journal files, models in models/ you no longer use, system logs",
    };
  if (sensors.diskFreeMB < DISK_WARN_MB)
    return {
      id: "disk",
      status: "warn",
      finding: `${finding}; a model pull may not fit`,
      remedy: "free some space before pulling a model",
    };
  return { id: "disk", status: "ok", finding };
}

/** Creates, fsyncs and removes a temp file named like the daemon's own (watchers and the stale-temp sweep ignore it). */
async function checkWritable(root: string): Promise<DoctorCheck> {
  const exists = await stat(root).catch(() => undefined);
  if (exists === undefined)
    return {
      id: "state-dir",
      status: "fail",
      finding: `${root} does not exist`,
      remedy: `create it with \`apprentice init ${root}\``,
    };
  const probe = path.join(root, `.doctor-${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`);
  try {
    const handle = await open(probe, "wx", 0o644);
    try {
      await handle.writeFile("apprentice doctor write probe\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rm(probe);
    await fsyncDir(root);
    return { id: "state-dir", status: "ok", finding: `${root} is writable (a file was created, fsynced and removed)` };
  } catch (error) {
    await rm(probe, { force: true }).catch((cleanupError: unknown) => {
      throw new Error(`cannot remove the write probe ${probe}`, { cause: cleanupError });
    });
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const remedy =
      code === "EROFS"
        ? "the filesystem is read-only (an SD card is remounted read-only after errors): check `dmesg`, run fsck, consider a new card"
        : `give the user running apprentice write access to ${root}`;
    return { id: "state-dir", status: "fail", finding: `${root} is not writable (${code})`, remedy };
  }
}

async function checkLock(deps: DoctorDeps, paths: StatePaths): Promise<DoctorCheck> {
  let holder: LockHolder | undefined;
  try {
    holder = await deps.readLockHolder();
  } catch (error) {
    return {
      id: "lock",
      status: "warn",
      finding: `cannot read the lock: ${error instanceof Error ? error.message : String(error)}`,
      remedy: `look at ${paths.lock}`,
    };
  }
  if (holder === undefined) {
    const lockDir = await stat(paths.lock).catch(() => undefined);
    if (lockDir === undefined) return { id: "lock", status: "ok", finding: "free: no daemon holds the state dir" };
    return {
      id: "lock",
      status: "warn",
      finding: `${paths.lock} exists without a readable owner (a start in progress, or a crash while locking)`,
      remedy: "if no apprentice runs, the next start takes it over once it is a minute old",
    };
  }
  if (holder.alive)
    return {
      id: "lock",
      status: "ok",
      finding: `held by a running daemon: pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}`,
    };
  return {
    id: "lock",
    status: "warn",
    finding: `stale: pid ${holder.pid} (since ${holder.startedAt}) no longer runs; it ended without releasing the lock`,
    remedy: "nothing to do: the next start takes it over",
  };
}

/** Which sandbox commands and goal checks run in: ✓ bwrap with what it can do, ✗ none where one is required, ! opted out. */
async function checkSandbox(deps: DoctorDeps, config: Config | undefined): Promise<DoctorCheck> {
  const settings = (config ?? parseConfig({}, "defaults")).sandbox;
  if (settings.mode === "none") {
    return {
      id: "sandbox",
      status: "warn",
      finding:
        'sandbox.mode is "none": commands and goal checks run without an OS sandbox, behind the argument rules only',
      remedy:
        'install bubblewrap (apt install bubblewrap) and remove "mode": "none" from the sandbox section of config.json',
    };
  }
  const status = await deps.probeSandbox();
  if (!status.available)
    return {
      id: "sandbox",
      status: "fail",
      finding: `${describeSandboxStatus(status)}: commands and goal checks refuse to run`,
      remedy: NO_SANDBOX_REMEDY,
    };
  const network = settings.networkCommands.length > 0 ? settings.networkCommands.join(", ") : "none";
  return {
    id: "sandbox",
    status: "ok",
    finding: `${describeSandboxStatus(status)}; network for commands: ${network}, for checks: ${settings.networkChecks ? "yes" : "no"}`,
  };
}
