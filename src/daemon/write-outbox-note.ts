// Writes the daemon's own note to the operator into outbox/, beside the model's messages: one new file per note, never overwriting one.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { writeFileDurably } from "../memory/durable-write.js";
import { formatFileTimestamp } from "../memory/quarantine.js";
import { showControls } from "../text/safe-text.js";

/**
 * Writes `text` durably as `outbox/<timestamp>-<topic>.md` (`-2`, `-3` … when that name is taken) and returns the file
 * name. `topic` is a short kebab-case word such as `config`; the model's messages are `<timestamp>-c<cycle>-<n>.md`,
 * so the two never share a name. Controls in `text` are written visibly, as in the model's messages.
 */
export async function writeOutboxNote(outboxDir: string, topic: string, text: string, now: Date): Promise<string> {
  const base = `${formatFileTimestamp(now)}-${topic}`;
  const taken = new Set(await readdir(outboxDir));
  let name = `${base}.md`;
  for (let suffix = 2; taken.has(name); suffix += 1) name = `${base}-${suffix}.md`;
  await writeFileDurably(path.join(outboxDir, name), `${showControls(text.trim())}\n`);
  return name;
}
