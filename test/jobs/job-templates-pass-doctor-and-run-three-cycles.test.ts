// Each job template, as `init --template` makes it, passes `doctor` and runs three real cycles on the Qwen2.5 stand-in: cleanly, journaled, its checks judged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { listJobTemplates } from "../../src/daemon/job-templates.js";
import { createMemoryLogger } from "../../src/log.js";
import { runCliSplit } from "../cli/model-test-support.js";
import { ensureStandInModel } from "../../src/brain/stand-in-model.js";
import { TEST_CACHE_DIR } from "../support/state-fixture.js";
import { initJob, writeInWorkspace, type JobState } from "./job-template-support.js";

/**
 * The model the cycles run on: the Qwen2.5 stand-in, a real tokenizer and chat template over random weights. The job is
 * not done by it, but every stage of the cycle runs on the prompt a user's model would see.
 */
function jobModel(): Promise<string> {
  return ensureStandInModel("qwen2.5", TEST_CACHE_DIR);
}

const DAY_MS = 86_400_000;

/** New work for the job before each cycle, as a day brings it: an old log, a dropped file, a message. */
const NEW_WORK: Record<string, (job: JobState, cycle: number) => Promise<void>> = {
  "pi-health": async (job, cycle) => {
    const file = await writeInWorkspace(job, `logs/app-${cycle}.log`, "an old log\n");
    const old = new Date(Date.now() - 30 * DAY_MS);
    await utimes(file, old, old);
  },
  "tidy-folder": async (job, cycle) => void (await writeInWorkspace(job, `drop/scan ${cycle}.pdf`, "%PDF-1.4\n")),
  "daily-digest": async (job, cycle) => void (await writeInWorkspace(job, `incoming/msg-${cycle}.txt`, "hello\n")),
};

interface DoctorJson {
  ok: boolean;
  checks: Array<{ id: string; status: string; finding: string }>;
}

test("the job templates are pi-health, tidy-folder and daily-digest", async () => {
  assert.deepEqual(await listJobTemplates(), ["daily-digest", "pi-health", "tidy-folder"]);
});

for (const name of ["pi-health", "tidy-folder", "daily-digest"]) {
  test(`${name}: doctor passes on the template as init makes it, and three cycles run, journal and judge every goal`, async (t) => {
    const job = await initJob(name);
    t.after(job.cleanup);
    const configFile = path.join(job.stateDir, "config.json");
    const config = JSON.parse(await readFile(configFile, "utf8")) as Record<string, Record<string, unknown>>;
    config.model = { ...config.model, path: await jobModel() };
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

    const doctor = await runCliSplit(["doctor", "--json", "--state", job.stateDir]);
    const report = JSON.parse(doctor.stdout) as DoctorJson;
    const failed = report.checks.filter((check) => check.status === "fail");
    assert.deepEqual(failed, [], doctor.stdout);
    assert.equal(doctor.code, 0, doctor.stderr);
    for (const id of ["config", "goals", "charter", "sandbox"])
      assert.equal(report.checks.find((check) => check.id === id)?.status, "ok", id);

    // Fewer and shorter steps than the template's 8 × 256 tokens keep random weights' cycles short; the rest of the
    // config is the template's.
    config.limits = { ...config.limits, maxSteps: 3 };
    config.model = { ...config.model, maxTokensPerStep: 128 };
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
    const goalIds = [...(await readFile(path.join(job.stateDir, "goals.yaml"), "utf8")).matchAll(/^ {2}- id: (\S+)$/gm)]
      .map((match) => match[1])
      .sort();
    const logger = createMemoryLogger();
    // A day passes before each cycle, so every goal (due again after 1d or 30m once met) is due in every cycle.
    let now = Date.now();
    const clock = (): Date => new Date(now);
    const state = await openState(job.stateDir, { logger, clock });
    try {
      const brain = new LlamaBrain(logger);
      for (let cycle = 1; cycle <= 3; cycle++) {
        await NEW_WORK[name]?.(job, cycle);
        now += DAY_MS;
        const result = await runCycle(buildCycleDeps(state, { brain, logger, clock }));
        assert.ok(result.status === "ran", `cycle ${cycle}: ${JSON.stringify(result)}`);
        assert.equal(result.cycle, cycle);
        // Every goal was due and judged by its check: met (a random step may run the job's command) or unmet.
        assert.deepEqual(result.goals.map((goal) => goal.id).sort(), goalIds);
        for (const goal of result.goals) assert.match(goal.verdict, /^(met|unmet)$/, `${goal.id} in cycle ${cycle}`);
        assert.ok(result.checks.length >= goalIds.length, JSON.stringify(result.checks));
      }
    } finally {
      await state.close();
    }
    let journal = "";
    for (const file of await readdir(path.join(job.stateDir, "journal")))
      journal += await readFile(path.join(job.stateDir, "journal", file), "utf8");
    assert.equal(journal.match(/^## Cycle \d+/gm)?.length, 3, journal);
    const errors = logger.lines.filter((line) => line.startsWith("error "));
    assert.deepEqual(errors, []);
  });
}
