// House rule: lowdb is used in one module, the db (src/memory/db.ts and its adapter, src/memory/state-store-file.ts);
// every other file reaches the db through StateDb and the functions beside it, so swapping the store touches one place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The folders whose sources may not import lowdb, relative to the project root. */
const SCANNED = ["src", "test", "scripts", "bin"];
/** The db module: the only files that import lowdb. */
const ALLOWED = new Set(["src/memory/db.ts", "src/memory/state-store-file.ts"]);
/** A static import or re-export of lowdb or one of its subpaths, a dynamic import, or a require. */
const IMPORTS_LOWDB = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s*)["']lowdb(?:\/[^"']*)?["']/;

async function listSources(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, folder), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(?:ts|mts|js|mjs|cjs)$/.test(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
}

test("no file outside the db module (src/memory/db.ts, src/memory/state-store-file.ts) imports lowdb", async () => {
  const offenders: string[] = [];
  const seen: string[] = [];
  for (const folder of SCANNED) {
    for (const file of await listSources(folder)) {
      const text = await readFile(path.join(ROOT, file), "utf8");
      text.split("\n").forEach((line, index) => {
        if (!IMPORTS_LOWDB.test(line)) return;
        if (ALLOWED.has(file)) seen.push(file);
        else offenders.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(offenders, []);
  // The pattern must still find the db module's own imports, or it would pass by finding nothing anywhere.
  assert.deepEqual([...new Set(seen)].sort(), [...ALLOWED].sort());
});
