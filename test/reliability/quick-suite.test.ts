// `npm test` runs the reliability suite's quick variant: every property, small, through the same runner as
// `npm run test:reliability`, so the quick and full runs cannot drift apart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

test("the reliability suite's quick variant passes every property", () => {
  const run = spawnSync(process.execPath, ["scripts/run-reliability.mjs", "--quick"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 20 * 60_000,
  });
  const output = `${run.stdout}${run.stderr}`;
  process.stdout.write(output.replace(/^/gm, "# "));
  assert.equal(run.status, 0, output);
  assert.match(run.stdout, /^\d+ passed, 0 failed$/m);
  assert.doesNotMatch(run.stdout, /^0 passed/m, "at least one property ran");
});
