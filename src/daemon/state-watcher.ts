// Watches the state dir's inputs (new inbox messages, new operator requests, goals, charter, config) with inotify; never polls while idle.
import path from "node:path";
import { watch } from "chokidar";
import type { Logger } from "../log.js";

/** The config file's name in the state dir: reported like the others, and read again rather than waking a cycle. */
export const CONFIG_FILE_NAME = "config.json";
/** State-dir files whose `add` or `change` is reported. */
const WATCHED_FILES: ReadonlySet<string> = new Set(["goals.yaml", "goals.md", "charter.md", CONFIG_FILE_NAME]);
/** Folders whose new files wake the daemon: messages, and the operator's requests. */
const WAKE_DIRS: ReadonlySet<string> = new Set(["inbox", "operator"]);

/**
 * How long a file's size must stay unchanged before it is reported, in ms. chokidar stats a
 * file every `pollInterval` only while a write to it is settling; nothing runs at idle.
 */
const WRITE_STABLE_MS = 250;
const WRITE_POLL_MS = 100;

/** Options of {@link watchStateInputs}. */
export interface WatchStateInputsOptions {
  stateDir: string;
  /** Called once per settled event, with state-dir-relative paths (`inbox/msg.md`, `operator/x.lesson.md`, `goals.yaml`, `config.json`). */
  onChange: (paths: string[]) => void;
  logger: Logger;
}

/** A running watch. */
export interface StateWatch {
  /** Resolves when the initial scan is done; events from earlier are not reported. */
  ready: Promise<void>;
  /** Stops watching and releases every inotify handle. */
  close(): Promise<void>;
}

/**
 * Reports new files in `<stateDir>/inbox` and `<stateDir>/operator` (`add` only, not their subdirs such as
 * `.processed`) and `add`/`change` of `goals.yaml`, `goals.md`, `charter.md` and `config.json`. An editor that saves
 * by writing a new file and renaming it over the old one gives an `add` or a `change`; both are reported.
 *
 * Choices, each for how chokidar 5 behaves on Linux:
 * - The state dir itself is watched (depth 1) with an allowlist, not the four paths:
 *   chokidar never reports files written into a folder that did not exist when it was
 *   watched by path; files absent at start (`goals.md`) appear later either way.
 * - Dotfiles and `*.tmp` are ignored: atomic writers create `.<name>.<hex>.tmp`, and
 *   chokidar reports an `unlink` of such a file after its rename.
 * - `awaitWriteFinish` reports a file only after its size held still for 250 ms, so a
 *   slowly copied inbox message is not read half-written. The scheduler's debounce then
 *   merges bursts of files into one cycle; it could not tell a finished write from a pause.
 * - `ignoreInitial`: files present at start are the catch-up's business, not a change.
 */
export function watchStateInputs({ stateDir, onChange, logger }: WatchStateInputsOptions): StateWatch {
  const root = path.resolve(stateDir);
  const watcher = watch(root, {
    ignoreInitial: true,
    usePolling: false,
    depth: 1,
    ignored: (candidate: string) => isIgnored(root, candidate),
    awaitWriteFinish: { stabilityThreshold: WRITE_STABLE_MS, pollInterval: WRITE_POLL_MS },
  });
  watcher.on("all", (event, changedPath) => {
    const relative = toStateRelative(root, changedPath);
    if (relative !== undefined && isReported(event, relative)) {
      logger.debug(`state input ${event}: ${relative}`);
      onChange([relative]);
    }
  });
  watcher.on("error", (error) => {
    logger.error(`watching ${root} failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  const ready = new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return {
    ready,
    close: () => watcher.close(),
  };
}

/** Decides on the path alone: chokidar does not always pass stats. */
function isIgnored(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  if (relative === "") return false;
  if (relative.startsWith("..") || path.isAbsolute(relative)) return true;
  const parts = relative.split(path.sep);
  const name = parts[parts.length - 1] ?? "";
  // Dotfiles are judged inside the state dir only: the state dir may itself live under a dot dir.
  if (name.startsWith(".") || name.endsWith(".tmp")) return true;
  if (parts.length === 1) return !WAKE_DIRS.has(name) && !WATCHED_FILES.has(name);
  return !(parts.length === 2 && WAKE_DIRS.has(parts[0] ?? ""));
}

function isReported(event: string, relative: string): boolean {
  const parts = relative.split("/");
  if (parts.length === 2 && WAKE_DIRS.has(parts[0] ?? "")) return event === "add";
  return WATCHED_FILES.has(relative) && (event === "add" || event === "change");
}

/** The path relative to the state dir with `/` separators, or `undefined` outside it. */
function toStateRelative(root: string, changedPath: string): string | undefined {
  const relative = path.relative(root, changedPath);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join("/");
}
