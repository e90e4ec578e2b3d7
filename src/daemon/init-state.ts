// Creates a state dir from the templates, a job template layered over them when asked: never overwrites a file that exists, so running it twice is safe.
import { chmod, copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { statePaths } from "../memory/state-paths.js";
import { listJobTemplateFiles } from "./job-templates.js";

/** The package's `templates/state/` folder: the files `init` copies (never a live state dir). */
export const TEMPLATE_DIR = fileURLToPath(new URL("../../../templates/state/", import.meta.url));

const TEMPLATE_FILES = ["charter.md", "goals.yaml", "config.json", "README.md"] as const;

/** What init did, for the CLI to report. */
export interface InitResult {
  root: string;
  created: string[];
  kept: string[];
}

/** One file init writes: where it goes in the state dir and how its content is made. */
interface PlannedFile {
  name: string;
  write: (target: string) => Promise<void>;
}

/**
 * Creates `stateDir` with the template files and the runtime folders. Existing files are kept as they are.
 * With `jobDir` (a folder of templates/jobs/), its charter, goals and config replace the base ones, its README.md is
 * appended to the base README as a section, and its other files (the job's scripts in `bin/`, mode 755) are added.
 */
export async function initStateDir(stateDir: string, templateDir = TEMPLATE_DIR, jobDir?: string): Promise<InitResult> {
  const paths = statePaths(stateDir);
  const created: string[] = [];
  const kept: string[] = [];
  await mkdir(paths.root, { recursive: true });
  for (const file of await planFiles(templateDir, jobDir)) {
    const target = path.join(paths.root, file.name);
    const exists = await stat(target).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return false;
        throw error;
      },
    );
    if (exists) {
      kept.push(file.name);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await file.write(target);
    created.push(file.name);
  }
  for (const dir of [paths.inbox, paths.outbox, paths.journal, paths.workspace, paths.models]) {
    await mkdir(dir, { recursive: true });
  }
  // Only this user may write the operator channel; an existing folder keeps its mode (the daemon judges it).
  await mkdir(paths.operator, { recursive: true, mode: 0o700 });
  return { root: paths.root, created, kept };
}

/** The files init writes, in order: the base template's four, each taken from the job where it has its own, then the job's others. */
async function planFiles(templateDir: string, jobDir: string | undefined): Promise<PlannedFile[]> {
  const jobFiles = jobDir === undefined ? [] : await listJobTemplateFiles(jobDir);
  const jobHas = (name: string): boolean => jobFiles.some((file) => file.relativePath === name);
  const planned: PlannedFile[] = TEMPLATE_FILES.map((name) => {
    const base = path.join(templateDir, name);
    if (jobDir === undefined || !jobHas(name)) return { name, write: (target) => copyFile(base, target) };
    const job = path.join(jobDir, name);
    if (name !== "README.md") return { name, write: (target) => copyFile(job, target) };
    return {
      name,
      write: async (target) =>
        writeFile(target, `${(await readFile(base, "utf8")).trimEnd()}\n\n${await readFile(job, "utf8")}`),
    };
  });
  for (const file of jobFiles) {
    if ((TEMPLATE_FILES as readonly string[]).includes(file.relativePath) || jobDir === undefined) continue;
    const source = path.join(jobDir, file.relativePath);
    planned.push({
      name: file.relativePath,
      write: async (target) => {
        await copyFile(source, target);
        // A script is 755 as in the package, whatever the umask the copy was made under.
        if (file.executable) await chmod(target, 0o755);
      },
    });
  }
  return planned;
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
