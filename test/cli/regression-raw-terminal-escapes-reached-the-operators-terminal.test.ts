// Regression (issue 14, finding 8): raw terminal escapes reached the operator's terminal through the model's file name
// and GGUF name (`model list`, `doctor`, `status`), lesson evidence paths (`lessons show`), cycle summaries and check
// output, and the `once` result. Every command now prints through one function that shows controls, and `--json`
// escapes them: the same values, no raw ESC, C1 or bidi byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readFile, writeFile } from "node:fs/promises";
import { openState } from "../../src/daemon/open-state.js";
import { recordHistory } from "../../src/history/state-history.js";
import { teachLesson } from "../../src/learning/operator-ops.js";
import { createMemoryLogger } from "../../src/log.js";
import { writeDb } from "../../src/memory/db.js";
import { statePaths } from "../../src/memory/state-paths.js";
import { runCli } from "../support/cli-process.js";
import { hostileModelName, writeHostileModel } from "../support/hostile-model-name.js";
import { ESCAPES, findRawControl, HOSTILE_NAME, PAYLOAD } from "../support/hostile-text.js";
import { makeStateDir } from "../support/state-fixture.js";

/** Runs a command and checks that nothing raw reached stdout or stderr; returns stdout. */
async function runClean(args: string[], allowedCodes: Array<number | string> = [0]): Promise<string> {
  const result = await runCli(args);
  assert.ok(
    allowedCodes.includes(result.code),
    `apprentice ${args.join(" ")} exited ${result.code}:\n${result.output}`,
  );
  assert.equal(
    findRawControl(result.output),
    undefined,
    `apprentice ${args.join(" ")} printed a raw control:\n${JSON.stringify(result.output)}`,
  );
  return result.stdout;
}

test("every inspect command shows hostile names and text with their controls visible, and --json keeps them exact", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const modelFile = await writeHostileModel(path.join(dir, "models"));
  const configFile = path.join(dir, "config.json");
  const config = JSON.parse(await readFile(configFile, "utf8")) as { model: Record<string, unknown> };
  config.model.path = path.relative(dir, modelFile);
  await writeFile(configFile, JSON.stringify(config, null, 2));

  const now = new Date(Date.UTC(2026, 0, 1, 9));
  const state = await openState(dir, { logger: createMemoryLogger(), clock: () => now });
  try {
    teachLesson(state.db.data.learning, `Keep it short ${ESCAPES}`, `inbox/${HOSTILE_NAME}`, { cycle: 1, now });
    state.db.data.cycle.count = 1;
    state.db.data.cycles.push({
      cycle: 1,
      startedAt: now.toISOString(),
      endedAt: now.toISOString(),
      status: "ran",
      steps: 1,
      failedSteps: 0,
      durationMs: 5,
      summary: `done ${PAYLOAD}`,
    });
    state.db.data.goals["shopping-list"] = {
      attempts: 1,
      lastCheckedAt: now.toISOString(),
      lastCheckPassed: false,
      lastCheckOutput: PAYLOAD,
    };
    await writeDb(state.db);
  } finally {
    await state.close();
  }
  await recordHistory(statePaths(dir), { event: "cycle", cycle: 1, subject: "Cycle 1 ran", now });

  const state1 = ["--state", dir];
  for (const args of [["status"], ["doctor"], ["lessons", "list"], ["goals"], ["history"], ["history", "show", "1"]]) {
    await runClean([...args, ...state1], args[0] === "doctor" ? [0, 1] : [0]);
  }
  const shown = await runClean(["lessons", "show", "L1", ...state1]);
  assert.ok(shown.includes(`inbox/note HOSTILE-5e1d\\n## Cycle 42`), "the evidence path is shown on one line");
  const models = await runClean(["model", "list", ...state1]);
  assert.ok(models.includes("\\x1b[2J"), "escapes are shown, not dropped");

  const status = JSON.parse(await runClean(["status", "--json", ...state1])) as {
    model: { path: string };
    cycles: { last: { summary: string } };
  };
  assert.equal(status.model.path, modelFile, "status --json parses to the exact path");
  assert.equal(status.cycles.last.summary, `done ${PAYLOAD}`);
  const list = JSON.parse(await runClean(["model", "list", "--json", ...state1])) as {
    models: Array<{ name?: string; file: string }>;
  };
  assert.deepEqual(
    list.models.map((model) => [model.file, model.name]),
    [[path.basename(modelFile), hostileModelName()]],
  );
  const lesson = JSON.parse(await runClean(["lessons", "show", "L1", "--json", ...state1])) as {
    lesson: { evidence: string[]; text: string };
  };
  assert.deepEqual(lesson.lesson.evidence, [`inbox/${HOSTILE_NAME}`]);
  const doctor = JSON.parse(await runClean(["doctor", "--json", ...state1], [0, 1])) as {
    checks: Array<{ finding: string }>;
  };
  assert.ok(
    doctor.checks.some(
      (check) => check.finding.includes(hostileModelName()) || check.finding.includes(path.basename(modelFile)),
    ),
    "doctor names the model, exactly",
  );
});

test("the once result shows a hostile model path visibly, in text and in --json", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false, inbox: { "hello.md": "hi" } });
  t.after(cleanup);
  const missing = path.join(dir, "models", `gone ${ESCAPES}.gguf`);
  await runClean(["once", "--state", dir, "--model", missing], [2]);
  const result = JSON.parse(await runClean(["once", "--json", "--state", dir, "--model", missing], [2])) as {
    status: string;
    reason: string;
  };
  assert.equal(result.status, "failed");
  assert.ok(result.reason.includes(missing), "the reason names the path exactly once parsed");
});
