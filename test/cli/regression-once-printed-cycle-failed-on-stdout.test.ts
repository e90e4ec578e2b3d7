// Issue 17, bug 8: `once` printed "Cycle failed: …" on stdout, where a script reads the result. A failed cycle's text
// line now goes to stderr, with the exit code unchanged; `--json` still prints its one object, the result, on stdout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("once prints a failed cycle's line on stderr, and with --json its one result object on stdout", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const model = path.join(dir, "models", "not-a-model.gguf");
  await writeFile(model, Buffer.alloc(4096));

  const text = await runCli(["once", "--state", dir, "--model", model]);
  assert.notEqual(text.code, 0, text.output);
  assert.equal(text.stdout, "", "nothing on stdout for a failed cycle");
  assert.match(text.output, /^Cycle failed: .*not-a-model\.gguf/m, text.output);

  const json = await runCli(["once", "--state", dir, "--model", model, "--json"]);
  assert.equal(json.code, text.code, "the exit code does not depend on --json");
  const result = JSON.parse(json.stdout) as { status: string; reason: string };
  assert.equal(result.status, "failed");
  assert.match(result.reason, /not-a-model\.gguf/);
});
