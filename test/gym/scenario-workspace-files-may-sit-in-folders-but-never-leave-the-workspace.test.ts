import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { writeWorkspaceFixture } from "../../src/gym/run-scenario.js";
import { readScenarioFile } from "../../src/gym/scenario.js";
import { OPERATOR_SCENARIO, scenarioFolder } from "./scenario-file-support.js";

test("a scenario's workspace files may sit in folders (a job's drop/ or logs/), made when the fixture is written", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  const file = await folder.write(
    "jobs.yaml",
    `${OPERATOR_SCENARIO}workspace:\n  drop/a.pdf: "pdf"\n  logs/old/app.log: "log"\n`,
  );
  const read = await readScenarioFile(file);
  assert.ok(read.ok, read.ok ? "" : read.message);
  const workspace = path.join(folder.dir, "workspace");
  await writeWorkspaceFixture(workspace, read.scenario);
  assert.equal(await readFile(path.join(workspace, "drop", "a.pdf"), "utf8"), "pdf");
  assert.equal(await readFile(path.join(workspace, "logs", "old", "app.log"), "utf8"), "log");
  assert.deepEqual((await readdir(workspace)).sort(), ["drop", "logs"]);
});

test("a workspace path that climbs out, starts at the root or is empty between slashes is refused", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  for (const bad of ["../x", "/etc/x", "a/../../x", "a//b", "a/", ".hidden/x", "a/b/c/d/e"]) {
    const file = await folder.write("bad.yaml", `${OPERATOR_SCENARIO}workspace:\n  ${JSON.stringify(bad)}: "x"\n`);
    const read = await readScenarioFile(file);
    assert.equal(read.ok, false, bad);
    if (!read.ok)
      assert.match(
        read.message,
        /workspace\..*: a file name in the workspace, or up to four plain names joined by \//,
        bad,
      );
  }
});
