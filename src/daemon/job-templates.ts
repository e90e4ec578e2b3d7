// The job templates `init --template NAME` layers over the base state template: one folder each under templates/jobs/; invariant: a name is only ever looked up among the folders that exist, never used as a path.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package's `templates/jobs/` folder: one folder per job template (charter, goals, config, README section, bin/). */
export const JOB_TEMPLATES_DIR = fileURLToPath(new URL("../../../templates/jobs/", import.meta.url));

/** A job template's file, as a path relative to its folder; `executable` for a script (a file the package ships with an x bit). */
export interface JobTemplateFile {
  relativePath: string;
  executable: boolean;
}

/** The job templates' names, sorted. */
export async function listJobTemplates(jobsDir = JOB_TEMPLATES_DIR): Promise<string[]> {
  const entries = await readdir(jobsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * The folder of the job template `name`, or a message naming the templates there are when it is not one of them.
 * The name is matched against the listing, so `../x` or an absolute path can never name a folder elsewhere.
 */
export async function findJobTemplate(
  name: string,
  jobsDir = JOB_TEMPLATES_DIR,
): Promise<{ ok: true; dir: string } | { ok: false; message: string }> {
  const names = await listJobTemplates(jobsDir);
  if (names.includes(name)) return { ok: true, dir: path.join(jobsDir, name) };
  return { ok: false, message: `no job template "${name}"; the templates are: ${names.join(", ")}` };
}

/** Every file of the template in `dir` (its folders walked), sorted by path. */
export async function listJobTemplateFiles(dir: string): Promise<JobTemplateFile[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const paths = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  return Promise.all(
    paths.map(async (relativePath) => ({
      relativePath,
      executable: ((await stat(path.join(dir, relativePath))).mode & 0o111) !== 0,
    })),
  );
}
