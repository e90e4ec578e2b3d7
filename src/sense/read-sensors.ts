// Reads the board's sensors (systeminformation for RAM and temperature; the kernel's own files for the rest) without starting a process per reading where it can; a sensor that fails is reported missing, not fatal.
import { readdir, readFile, statfs } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type systemInformation from "systeminformation";
import type { Logger } from "../log.js";
import { describeThrottleBits } from "./throttle-bits.js";

/** One reading of the board. Missing values mean the sensor is not available here. */
export interface Sensors {
  /** When the reading was taken (ISO). */
  at: string;
  /** CPU temperature in °C. */
  cpuTempC?: number;
  /** RAM available to new processes, in MB. */
  availableRamMB: number;
  totalRamMB: number;
  /** 1-minute load average. */
  load1?: number;
  /** Free space on the filesystem holding the state dir, in MB. */
  diskFreeMB?: number;
  /** Raspberry Pi firmware throttle bits (`get_throttled`), as hex, where present. */
  throttled?: string;
}

const THROTTLE_FILE = "/sys/devices/platform/soc/soc:firmware/get_throttled";
const THERMAL_DIR = "/sys/class/thermal";
const MB = 1024 * 1024;
/** How long a board where systeminformation found no CPU temperature is believed before it is asked again. */
const NO_TEMPERATURE_RECHECK_MS = 60 * 60 * 1000;

/**
 * When systeminformation last found no CPU temperature (ms since the epoch). Its Linux reading runs several shells
 * (`execSync` of `cat`, a `for` loop over hwmon, `sensors`, `vcgencmd`) each time and blocks the event loop, even
 * where there is no sensor at all (see docs/PERFORMANCE.md, "The sensors"); a sensor does not appear while the board
 * runs.
 */
let noTemperatureSince: number | undefined;

/**
 * Reads every sensor once. `stateDir` selects which filesystem's free space is reported.
 * Per reading: RAM from systeminformation (/proc/meminfo, no process); CPU temperature from the kernel's CPU thermal
 * zone (the file systeminformation reads on a Pi, `cpu-thermal`), else from systeminformation; load from
 * `os.loadavg()` per core, as systeminformation's `avgLoad` gives it; free disk from `statfs` of the state dir.
 * systeminformation's `currentLoad` (two `cat /proc/stat | grep` pipelines, and half a second on its first call) and
 * `fsSize` (a `df`) are not used.
 */
export async function readSensors(stateDir: string, clock: () => Date, logger: Logger): Promise<Sensors> {
  const si = await loadSystemInformation();
  const [temp, mem, disk, throttled] = await Promise.all([
    readCpuTempC(si, clock, logger).catch((error: unknown) => warnMissing(logger, "cpu temperature", error)),
    si.mem(),
    statfs(path.resolve(stateDir)).catch((error: unknown) => warnMissing(logger, "disk", error)),
    readThrottleBits(logger),
  ]);
  const sensors: Sensors = {
    at: clock().toISOString(),
    availableRamMB: Math.round(mem.available / MB),
    totalRamMB: Math.round(mem.total / MB),
  };
  if (temp !== undefined) sensors.cpuTempC = temp;
  const cores = os.availableParallelism();
  sensors.load1 = Math.round(((os.loadavg()[0] ?? 0) / cores) * 100) / 100;
  if (disk !== undefined) sensors.diskFreeMB = Math.round((disk.bavail * disk.bsize) / MB);
  if (throttled !== undefined) sensors.throttled = throttled;
  return sensors;
}

type SystemInformation = typeof systemInformation;

/**
 * systeminformation, loaded on the first reading: a daemon that only waits (or wakes to nothing to do) never holds its
 * modules (see docs/PERFORMANCE.md, "Modules imported on first use").
 */
async function loadSystemInformation(): Promise<SystemInformation> {
  return (await import("systeminformation")).default;
}

/** CPU temperature in °C, one decimal; undefined where the board has no sensor. */
async function readCpuTempC(si: SystemInformation, clock: () => Date, logger: Logger): Promise<number | undefined> {
  const zone = await readCpuThermalZone(logger);
  if (zone !== undefined) return zone;
  const now = clock().getTime();
  if (noTemperatureSince !== undefined && now - noTemperatureSince < NO_TEMPERATURE_RECHECK_MS) return undefined;
  const temp = await si.cpuTemperature();
  // systeminformation reports a missing sensor as null or -1.
  if (typeof temp.main === "number" && temp.main > 0) {
    noTemperatureSince = undefined;
    return Math.round(temp.main * 10) / 10;
  }
  noTemperatureSince = now;
  return undefined;
}

/** The first thermal zone whose type names the CPU (`cpu-thermal` on a Raspberry Pi), read from sysfs. */
async function readCpuThermalZone(logger: Logger): Promise<number | undefined> {
  let zones: string[];
  try {
    zones = (await readdir(THERMAL_DIR)).filter((name) => name.startsWith("thermal_zone")).sort();
  } catch (error) {
    // No thermal class at all (a VM, a container): systeminformation gets its chance.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") logger.debug(`thermal zones unreadable: ${String(error)}`);
    return undefined;
  }
  for (const zone of zones) {
    // A zone whose files cannot be read is not one to report; the next may be.
    const type = await readFile(path.join(THERMAL_DIR, zone, "type"), "utf8").catch(
      (error: unknown) => warnMissing(logger, `${zone} type`, error) ?? "",
    );
    if (!type.toLowerCase().includes("cpu")) continue;
    const milli = Number.parseInt(
      (await readFile(path.join(THERMAL_DIR, zone, "temp"), "utf8").catch((error: unknown) =>
        warnMissing(logger, `${zone} temp`, error),
      )) ?? "",
      10,
    );
    if (Number.isFinite(milli) && milli > 0) return Math.round(milli / 100) / 10;
  }
  return undefined;
}

async function readThrottleBits(logger: Logger): Promise<string | undefined> {
  try {
    const text = (await readFile(THROTTLE_FILE, "utf8")).trim();
    return text.length > 0 ? `0x${text.replace(/^0x/i, "")}` : undefined;
  } catch (error) {
    // Absent on anything but a Raspberry Pi; that is the normal case, not a fault.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") logger.debug(`throttle bits unreadable: ${String(error)}`);
    return undefined;
  }
}

function warnMissing(logger: Logger, what: string, error: unknown): undefined {
  logger.debug(`sensor ${what} unavailable: ${error instanceof Error ? error.message : String(error)}`);
  return undefined;
}

/**
 * The readings as the prompt's Now section gives them: sizes in whole GB from 10 GB up, in GB with one decimal from
 * 1 GB, and the load with one decimal, since each digit is a token to a real tokenizer and the model needs no more
 * precision to act. The `sense` tool gives the full readings.
 */
export function describeSensorsBriefly(sensors: Sensors): string {
  const parts = [
    sensors.cpuTempC !== undefined ? `CPU ${Math.round(sensors.cpuTempC)}°C` : "CPU temperature unknown",
    `RAM ${briefSize(sensors.availableRamMB)} of ${briefSize(sensors.totalRamMB)} free`,
  ];
  if (sensors.load1 !== undefined) parts.push(`load ${sensors.load1.toFixed(1)}`);
  if (sensors.diskFreeMB !== undefined) parts.push(`disk ${briefSize(sensors.diskFreeMB)} free`);
  if (sensors.throttled !== undefined) parts.push(`throttle bits ${describeThrottleBits(sensors.throttled)}`);
  return parts.join(", ");
}

function briefSize(megabytes: number): string {
  if (megabytes >= 10 * 1024) return `${Math.round(megabytes / 1024)} GB`;
  return megabytes >= 1024 ? `${(megabytes / 1024).toFixed(1)} GB` : `${Math.round(megabytes)} MB`;
}

/** One line for the journal and the `sense` tool, e.g. `CPU 48.2°C, RAM 812/3906 MB free, load 0.31, disk 12034 MB free`. */
export function describeSensors(sensors: Sensors): string {
  const parts = [
    sensors.cpuTempC !== undefined ? `CPU ${sensors.cpuTempC}°C` : "CPU temperature unknown",
    `RAM ${sensors.availableRamMB}/${sensors.totalRamMB} MB free`,
  ];
  if (sensors.load1 !== undefined) parts.push(`load ${sensors.load1.toFixed(2)}`);
  if (sensors.diskFreeMB !== undefined) parts.push(`disk ${sensors.diskFreeMB} MB free`);
  if (sensors.throttled !== undefined) parts.push(`throttle bits ${describeThrottleBits(sensors.throttled)}`);
  return parts.join(", ");
}
