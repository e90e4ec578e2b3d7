// Names of local users by uid, from /etc/passwd, for messages that tell the operator whose file or folder something is.
import { readFile } from "node:fs/promises";

/**
 * The login name of `uid` in `passwdFile`, or undefined when the file has no such user or cannot be read (a name is
 * only a courtesy in a message; the uid is what is judged). Defaults to `/etc/passwd`.
 */
export async function findUserName(uid: number, passwdFile = "/etc/passwd"): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(passwdFile, "utf8");
  } catch (error) {
    if (isExpectedReadError(error)) return undefined;
    throw error;
  }
  for (const line of text.split("\n")) {
    const [name, , id] = line.split(":");
    if (name !== undefined && name.length > 0 && id === String(uid)) return name;
  }
  return undefined;
}

/** `uid 999 (apprentice)`, or `uid 999` when the name is unknown. */
export async function describeUid(uid: number, passwdFile?: string): Promise<string> {
  const name = await findUserName(uid, passwdFile);
  return name === undefined ? `uid ${uid}` : `uid ${uid} (${name})`;
}

function isExpectedReadError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "EACCES" || code === "EPERM";
}
