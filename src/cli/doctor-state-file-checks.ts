// The doctor's checks of the operator's goals.yaml and charter.md, made with the readers a cycle uses, so doctor fails exactly where `once` would refuse, with its message. Reads only.
import { stat } from "node:fs/promises";
import { loadCharter, MAX_CHARTER_BYTES } from "../memory/charter-file.js";
import { loadGoals } from "../memory/goals-file.js";
import type { StatePaths } from "../memory/state-paths.js";
import type { DoctorCheck } from "./doctor-checks.js";

/**
 * goals.yaml read and validated by `loadGoals`, as the cycle's wake stage reads it: a file the cycle refuses (YAML
 * syntax, a bad or duplicated field, too big, not a file) fails with the cycle's message, its list on one line; a
 * file that loads with a warning (empty, cut off) or holds no goal warns.
 */
export async function checkGoals(paths: StatePaths): Promise<DoctorCheck> {
  if (!(await isDirectory(paths.root))) return notChecked("goals");
  const read = await loadGoals(paths.goals);
  if (!read.ok)
    return {
      id: "goals",
      status: "fail",
      finding: joinListLines(read.error),
      remedy: `fix ${paths.goals} where the message says; until then \`once\` and \`start\` refuse to run a cycle (exit 2)`,
    };
  if (read.warning !== undefined)
    return { id: "goals", status: "warn", finding: read.warning, remedy: `check ${paths.goals} and save it whole` };
  if (read.goals.length === 0)
    return {
      id: "goals",
      status: "warn",
      finding: `${paths.goals} holds no goal: a cycle has nothing to work on`,
      remedy: `add a goal to ${paths.goals} (an id, a title and a check); ${paths.readme} shows the format`,
    };
  const checked = read.goals.filter((goal) => goal.check !== undefined).length;
  const count = `${read.goals.length} goal${read.goals.length === 1 ? "" : "s"}`;
  return { id: "goals", status: "ok", finding: `goals.yaml is valid (${count}, ${checked} with a check)` };
}

/**
 * charter.md read by `loadCharter`, as the cycle's wake stage reads it: one the cycle refuses (a folder or special
 * file in its place, unreadable) fails with the cycle's message; a missing or empty one, or one longer than the
 * prompt takes, warns.
 */
export async function checkCharter(paths: StatePaths): Promise<DoctorCheck> {
  if (!(await isDirectory(paths.root))) return notChecked("charter");
  const read = await loadCharter(paths.charter);
  if (!read.ok)
    return {
      id: "charter",
      status: "fail",
      finding: read.error,
      remedy: `make ${paths.charter} a readable file; until then \`once\` and \`start\` refuse to run a cycle (exit 2)`,
    };
  if (read.warning !== undefined)
    return {
      id: "charter",
      status: "warn",
      finding: read.warning,
      remedy: `shorten ${paths.charter} to at most ${MAX_CHARTER_BYTES} bytes; the rest never reaches the model`,
    };
  if (read.text.trim() === "")
    return {
      id: "charter",
      status: "warn",
      finding: `${paths.charter} is missing or empty: the model works without a charter`,
      remedy: `write in ${paths.charter} what the agent is for and what it must not do (\`apprentice init\` writes the template and keeps existing files)`,
    };
  return { id: "charter", status: "ok", finding: `charter.md is readable (${Buffer.byteLength(read.text)} bytes)` };
}

/** A reader's message with its indented `- ` list lines joined into one line: `…goals file: goal "tidy" (line 7): id: …; …`. */
function joinListLines(message: string): string {
  return message.replace(/:\n\s*- /, ": ").replace(/\n\s*- /g, "; ");
}

function notChecked(id: "goals" | "charter"): DoctorCheck {
  return { id, status: "warn", finding: "not checked: no state dir", remedy: "fix the state dir first" };
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (info) => info.isDirectory(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return false;
      throw error;
    },
  );
}
