// Regression (issue 17, bug 4): `once` and `start` renamed a config.json with a typo to `config.json.corrupt-<ts>`,
// under the feet of an operator who had it open in an editor, and named the error by a character offset. Now the
// operator's files (config.json, goals.yaml, charter.md) stay exactly where and as they are, and the refusal (exit 2)
// names the line and column, shows the line, and says what to fix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

const OPERATOR_FILES = ["config.json", "goals.yaml", "charter.md"];

/** The operator's files by name with their bytes, and every name in the state dir that starts with one of them. */
async function readOperatorFiles(dir: string): Promise<{ names: string[]; texts: string[] }> {
  const names = (await readdir(dir)).filter((name) => OPERATOR_FILES.some((file) => name.startsWith(file))).sort();
  const texts = await Promise.all(OPERATOR_FILES.map((file) => readFile(path.join(dir, file), "utf8")));
  return { names, texts };
}

for (const command of ["once", "start"]) {
  test(`${command} with a typo in config.json exits 2 naming line and column, and moves none of the operator's files`, async (t) => {
    const { dir, cleanup } = await makeStateDir({ config: { schedule: { catchUp: false } } });
    t.after(cleanup);
    const file = path.join(dir, "config.json");
    const lines = (await readFile(file, "utf8")).split("\n");
    // Drop the comma after the last setting of "model" (the line before its closing brace).
    const closing = lines.findIndex((line, index) => index > 0 && line === "  },");
    lines[closing - 1] = `${lines[closing - 1]},`;
    await writeFile(file, lines.join("\n"));
    // A broken goals.yaml too: the config is refused first, and neither file is touched.
    await writeFile(path.join(dir, "goals.yaml"), "version: 1\ngoals: [ {id: : :\n");
    const before = await readOperatorFiles(dir);
    const { code, output } = await runCli([command, "--state", dir]);
    assert.equal(code, 2, output);
    assert.match(
      output,
      new RegExp(`config\\.json is not valid JSON at line ${closing + 1}, column 3: .*remove the ',' before it`),
    );
    assert.match(output, new RegExp(`\\n\\s+${closing + 1} \\|   \\},\\n\\s+\\|   \\^\\n`), "the line, with a caret");
    assert.match(output, /the file is left as it is/);
    assert.doesNotMatch(output, /in JSON at position|moved to/);
    assert.doesNotMatch(output, /^\s+at /m, "no stack trace");
    assert.deepEqual(await readOperatorFiles(dir), before, "config.json, goals.yaml and charter.md are as they were");
  });
}

test("once with a duplicated goal id and a charter holding control bytes leaves both where and as they are", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  await writeFile(
    path.join(dir, "goals.yaml"),
    "version: 1\ngoals:\n  - id: a\n    title: one\n  - id: a\n    title: two\n",
  );
  await writeFile(path.join(dir, "charter.md"), "Be kind.\n\u0000\u001b[31m\n");
  const before = await readOperatorFiles(dir);
  const { code, output } = await runCli(["once", "--state", dir]);
  assert.equal(code, 2, output);
  assert.match(output, /duplicate goal id "a"/);
  assert.deepEqual(await readOperatorFiles(dir), before);
});
