// `apprentice config`: every setting of config.json with its type, default, current value and description, read off the config schema; reads the state dir and changes nothing.
import type { Command } from "commander";
import {
  readConfigReference,
  readDottedKey,
  type SectionReference,
  type SettingReference,
} from "../config-reference.js";
import { describeHowSettingsApply } from "../config-changes.js";
import { StateError } from "../daemon/open-state.js";
import { createCliContext, EXIT, reportError } from "./cli-context.js";
import { readConfigAsWritten, requireStateDir } from "./read-state.js";
import { printJson, printOut } from "./terminal-output.js";

/** What `config --json` prints. */
export interface ConfigReport {
  /** The config.json the current values come from; absent with `--defaults`. */
  file?: string;
  sections: SectionReference[];
  settings: SettingReport[];
}

/** A setting of the reference, with its value in the state dir. */
export interface SettingReport extends SettingReference {
  /** The value in effect: config.json's, else the default. Absent with `--defaults`, or when unset with no default. */
  current?: unknown;
  /** Whether config.json writes this key itself. Absent with `--defaults`. */
  set?: boolean;
}

/** Width the descriptions are wrapped to, indent included. */
const TEXT_WIDTH = 100;
const INDENT = "    ";

export function registerConfigCommand(program: Command): void {
  program
    .command("config")
    .description("list every setting of config.json: its type, default, current value and what it does (reads only)")
    .option("--json", "print the list as one JSON object")
    .option("--defaults", "list the settings and their defaults without reading a state dir")
    .action(async (options: { json?: boolean; defaults?: boolean }, command: Command) => {
      const context = createCliContext(command);
      const state = options.defaults === true ? undefined : context.options.state;
      process.exitCode = await readConfigReport(state)
        .then((report) => {
          if (options.json === true) printJson(report);
          else printOut(formatConfigReport(report));
          return EXIT.ok;
        })
        .catch(reportError);
    });
}

/**
 * The reference with the current values of the state dir `stateDir`'s config.json, or without them when `stateDir` is
 * undefined. Throws StateError (exit 2 with its message) for a missing state dir or config.json, or an invalid config;
 * the message ends with a line pointing at `--defaults`.
 */
export async function readConfigReport(stateDir: string | undefined): Promise<ConfigReport> {
  const reference = readConfigReference();
  if (stateDir === undefined) return reference;
  const paths = await requireStateDir(stateDir).catch(withDefaultsHint);
  const { config, raw } = await readConfigAsWritten(paths).catch(withDefaultsHint);
  const settings = reference.settings.map((setting): SettingReport => {
    const current = readDottedKey(config, setting.key);
    return {
      ...setting,
      ...(current.found && current.value !== undefined ? { current: current.value } : {}),
      set: readDottedKey(raw, setting.key).found,
    };
  });
  return { file: paths.config, sections: reference.sections, settings };
}

/** Rethrows `error`, a StateError with a last line saying the reference needs no state dir; any other error as it is. */
function withDefaultsHint(error: unknown): never {
  if (!(error instanceof StateError)) throw error;
  throw new StateError(
    `${error.message}\n\`apprentice config --defaults\` lists every setting without reading a state dir.`,
  );
}

/**
 * The text form: a title line and how a running daemon applies an edit, then each setting as `key = current  (default …; type)` (or `key unset`, or the key
 * alone without a state dir) with its description wrapped and indented under it, grouped under `[section]` lines.
 * `(default; …)` with no value means the current value is the default, config.json leaving the key out.
 */
export function formatConfigReport(report: ConfigReport): string {
  const lines = [
    report.file !== undefined
      ? `Settings of ${report.file}, each as: key = current value  (default; accepted values). A bare "default" means config.json leaves the key out.`
      : "Settings of config.json, each as: key  (default; accepted values).",
    describeHowSettingsApply(),
  ];
  let section: SectionReference | undefined;
  for (const [index, setting] of report.settings.entries()) {
    const owner = report.sections.find((candidate) => setting.key.startsWith(`${candidate.key}.`));
    if (index === 0 || owner !== section) {
      section = owner;
      lines.push("", ...(owner !== undefined ? [`[${owner.key}] ${owner.description}`] : []));
    }
    lines.push(formatHead(report.file !== undefined, setting));
    lines.push(...wrapWords(setting.description, TEXT_WIDTH - INDENT.length).map((line) => `${INDENT}${line}`));
  }
  return `${lines.join("\n")}\n`;
}

function formatHead(withState: boolean, setting: SettingReport): string {
  const hasDefault = Object.hasOwn(setting, "default");
  const defaultText = !hasDefault
    ? "no default"
    : withState && setting.set !== true
      ? "default"
      : `default ${JSON.stringify(setting.default)}`;
  const value = !withState
    ? ""
    : Object.hasOwn(setting, "current")
      ? ` = ${JSON.stringify(setting.current)}`
      : " unset";
  return `${setting.key}${value}  (${defaultText}; ${setting.type})`;
}

/** `text` in lines of at most `width` characters, broken at spaces (a longer word stands on its own line). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((part) => part.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}
