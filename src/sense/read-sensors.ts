// Reads the board's sensors through systeminformation (plus the Pi's throttle bits); a sensor that fails is reported missing, not fatal.
import { readFile } from "node:fs/promises";
import path from "node:path";
import si from "systeminformation";
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
const MB = 1024 * 1024;

/** Reads every sensor once. `stateDir` selects which filesystem's free space is reported. */
export async function readSensors(stateDir: string, clock: () => Date, logger: Logger): Promise<Sensors> {
  const [temp, mem, load, disks, throttled] = await Promise.all([
    si.cpuTemperature().catch((error: unknown) => warnMissing(logger, "cpu temperature", error)),
    si.mem(),
    si.currentLoad().catch((error: unknown) => warnMissing(logger, "load", error)),
    si.fsSize().catch((error: unknown) => warnMissing(logger, "disk", error)),
    readThrottleBits(logger),
  ]);
  const sensors: Sensors = {
    at: clock().toISOString(),
    availableRamMB: Math.round(mem.available / MB),
    totalRamMB: Math.round(mem.total / MB),
  };
  // systeminformation reports a missing sensor as null or -1.
  if (temp !== undefined && typeof temp.main === "number" && temp.main > 0) sensors.cpuTempC = Math.round(temp.main * 10) / 10;
  if (load !== undefined && typeof load.avgLoad === "number") sensors.load1 = load.avgLoad;
  const disk = disks === undefined ? undefined : pickFilesystem(disks, path.resolve(stateDir));
  if (disk !== undefined) sensors.diskFreeMB = Math.round(disk.available / MB);
  if (throttled !== undefined) sensors.throttled = throttled;
  return sensors;
}

/** The mounted filesystem with the longest mount point that contains `dir`. */
function pickFilesystem<T extends { mount: string }>(filesystems: readonly T[], dir: string): T | undefined {
  let best: T | undefined;
  for (const fs of filesystems) {
    const inside = dir === fs.mount || dir.startsWith(fs.mount.endsWith("/") ? fs.mount : `${fs.mount}/`);
    if (inside && (best === undefined || fs.mount.length > best.mount.length)) best = fs;
  }
  return best;
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

/** One line for the prompt and the journal, e.g. `CPU 48.2°C, RAM 812/3906 MB free, load 0.31, disk 12034 MB free`. */
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
