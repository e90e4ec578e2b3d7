// Creates a state dir from the templates: never overwrites a file that exists, so running it twice is safe.
import { copyFile, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { statePaths } from "../memory/state-paths.js";

/** The package's `templates/state/` folder: the files `init` copies (never a live state dir). */
export const TEMPLATE_DIR = fileURLToPath(new URL("../../../templates/state/", import.meta.url));

const TEMPLATE_FILES = ["charter.md", "goals.yaml", "config.json", "README.md"] as const;

/** What init did, for the CLI to report. */
export interface InitResult {
  root: string;
  created: string[];
  kept: string[];
}

/** Creates `stateDir` with the template files and the runtime folders. Existing files are kept as they are. */
export async function initStateDir(stateDir: string, templateDir = TEMPLATE_DIR): Promise<InitResult> {
  const paths = statePaths(stateDir);
  const created: string[] = [];
  const kept: string[] = [];
  await mkdir(paths.root, { recursive: true });
  for (const name of TEMPLATE_FILES) {
    const target = path.join(paths.root, name);
    const exists = await stat(target).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return false;
        throw error;
      },
    );
    if (exists) {
      kept.push(name);
      continue;
    }
    await copyFile(path.join(templateDir, name), target);
    created.push(name);
  }
  for (const dir of [paths.inbox, paths.outbox, paths.journal, paths.workspace, paths.models]) {
    await mkdir(dir, { recursive: true });
  }
  // Only this user may write the operator channel; an existing folder keeps its mode (the daemon judges it).
  await mkdir(paths.operator, { recursive: true, mode: 0o700 });
  return { root: paths.root, created, kept };
}

/** Inits `stateDir` only when it does not exist yet; returns what was created, or undefined when it was already there. */
export async function ensureStateDir(stateDir: string): Promise<InitResult | undefined> {
  const exists = await stat(stateDir).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
  return exists ? undefined : initStateDir(stateDir);
}
