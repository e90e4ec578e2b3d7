// Hostile model files: GGUFs whose chat template spins node-llama-cpp's Jinja renderer, while the model loads or in a
// long step. Whatever the template, a cycle (runCycle or `apprentice once`) ends within limits.cycleTimeoutMs and a
// margin with its model process killed and none left behind, and the next cycle runs; a step blocked in the template is
// killed when it does not answer its abort; a model process dies within 2 s of its parent's SIGKILL, under both guards.
import { randomUUID } from "node:crypto";
import { buildActionSchema } from "../../src/brain/action-schema.js";
import { ABORT_ANSWER_MS } from "../../src/brain/model-process.js";
import type { ParentDeathGuard } from "../../src/brain/parent-death.js";
import { WorkerBrain } from "../../src/brain/worker-brain.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { runCli } from "../support/cli-process.js";
import {
  killParentOfSpinningModel,
  liveChildrenOf,
  liveProcessesWithEnv,
  LONG_CHAT_PROMPT,
  processEnded,
  spinningModel,
} from "../support/hostile-model.js";
import { makeStateDir, testModel } from "../support/state-fixture.js";
import type { PropertyResult, ReliabilityProperty } from "./property.js";
import { seededRandom } from "./seeded-random.js";

/** Past the deadline: the cycle's work before the deadline starts and after the kill (journal, history); plus the CLI's start for `once`. */
const CYCLE_MARGIN_MS = 3_000;
const ONCE_MARGIN_MS = 6_000;
/** A model process must be gone this soon after its parent's death. */
const ORPHAN_GONE_WITHIN_MS = 2_000;
const STEP_TIMEOUT_MS = 1_000;
const STEP_MARGIN_MS = 1_500;
const DEADLINE_REASON =
  /^(model load or chat template|reading the model file's header) took longer than limits\.cycleTimeoutMs \(\d+ ms\); the model process was killed$/;
const LOAD_TEMPLATES = ["load", "macro"] as const;

interface Tally {
  attacks: number;
  /** Worst overshoot past the deadline (or the step's timeout), and worst time to death after a parent's kill. */
  worstCycleOverMs: number;
  worstOnceOverMs: number;
  worstStepMs: number;
  worstOrphanMs: number;
  failures: string[];
}

export const property: ReliabilityProperty = {
  name: "hostile-model",
  async run({ quick, seed }): Promise<PropertyResult> {
    const random = seededRandom(seed);
    const tally: Tally = {
      attacks: 0,
      worstCycleOverMs: 0,
      worstOnceOverMs: 0,
      worstStepMs: 0,
      worstOrphanMs: 0,
      failures: [],
    };
    // The deadline must leave the model process time to start and size the model first on a busy machine.
    const deadline = (): number => 15_000 + Math.floor(random() * 5) * 1_000;
    if (quick) {
      await attackCycle(tally, "macro", deadline());
      await attackStep(tally);
      await attackOrphan(tally, "watchdog", "macro");
    } else {
      for (let round = 0; round < 3; round++) {
        for (const template of LOAD_TEMPLATES) {
          await attackCycle(tally, template, deadline());
          await attackOnce(tally, template, deadline());
          for (const guard of ["pdeathsig", "watchdog"] as const) await attackOrphan(tally, guard, template);
        }
        await attackStep(tally);
      }
    }
    const figures =
      `${tally.attacks} attacks; worst past the deadline: cycle ${tally.worstCycleOverMs} ms, once ${quick ? "-" : `${tally.worstOnceOverMs} ms`}; ` +
      `blocked step ended after ${tally.worstStepMs} ms (timeout ${STEP_TIMEOUT_MS} ms); orphan gone after ${tally.worstOrphanMs} ms; ${tally.failures.length} failures`;
    return { ok: tally.failures.length === 0, figures, failures: tally.failures };
  },
};

/** runCycle with the daemon's WorkerBrain on a spinning model, then a cycle on the plain test model. */
async function attackCycle(tally: Tally, template: (typeof LOAD_TEMPLATES)[number], timeoutMs: number): Promise<void> {
  tally.attacks += 1;
  const label = `cycle on "${template}" (${timeoutMs} ms)`;
  const { dir, cleanup } = await makeStateDir({
    config: { model: { path: await spinningModel(template) }, limits: { cycleTimeoutMs: timeoutMs } },
  });
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  try {
    const brain = new WorkerBrain(logger);
    const started = performance.now();
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
    const overMs = Math.round(performance.now() - started - timeoutMs);
    tally.worstCycleOverMs = Math.max(tally.worstCycleOverMs, overMs);
    if (result.status !== "failed" || !DEADLINE_REASON.test(result.reason))
      tally.failures.push(`${label}: ${JSON.stringify(result)}`);
    if (overMs > CYCLE_MARGIN_MS) tally.failures.push(`${label}: ended ${overMs} ms past the deadline`);
    const left = liveChildrenOf(process.pid);
    if (left.length > 0) tally.failures.push(`${label}: model processes left: ${left.join(", ")}`);
    const next = buildCycleDeps(state, { brain, logger, clock: () => new Date() });
    const again = await runCycle({
      ...next,
      modelPath: await testModel(),
      config: { ...next.config, limits: { ...next.config.limits, cycleTimeoutMs: 120_000 } },
    });
    if (again.status !== "ran") tally.failures.push(`${label}: the next cycle did not run: ${JSON.stringify(again)}`);
  } finally {
    await state.close();
    await cleanup();
  }
}

/** `apprentice once` in a child process on a spinning model; its process tree is found through an environment tag. */
async function attackOnce(tally: Tally, template: (typeof LOAD_TEMPLATES)[number], timeoutMs: number): Promise<void> {
  tally.attacks += 1;
  const label = `once on "${template}" (${timeoutMs} ms)`;
  const { dir, cleanup } = await makeStateDir({
    config: { model: { path: await spinningModel(template) }, limits: { cycleTimeoutMs: timeoutMs } },
  });
  const tag = randomUUID();
  try {
    const started = performance.now();
    const { code, stdout } = await runCli(["once", "--state", dir, "--json"], { APPRENTICE_TEST_TAG: tag });
    const overMs = Math.round(performance.now() - started - timeoutMs);
    tally.worstOnceOverMs = Math.max(tally.worstOnceOverMs, overMs);
    const reason = (JSON.parse(stdout.trim() || "{}") as { reason?: string }).reason ?? "";
    if (code !== 1 || !DEADLINE_REASON.test(reason))
      tally.failures.push(`${label}: exit ${String(code)}: ${stdout.trim()}`);
    if (overMs > ONCE_MARGIN_MS) tally.failures.push(`${label}: ended ${overMs} ms past the deadline`);
  } finally {
    const left = liveProcessesWithEnv("APPRENTICE_TEST_TAG", tag);
    if (left.length > 0) tally.failures.push(`${label}: processes left: ${left.join(", ")}`);
    for (const pid of left) process.kill(pid, "SIGKILL");
    await cleanup();
  }
}

/** A step whose template spins: the step's abort goes unanswered and the model process is killed. */
async function attackStep(tally: Tally): Promise<void> {
  tally.attacks += 1;
  const brain = new WorkerBrain(createMemoryLogger());
  const opened = await brain.open(
    {
      modelPath: await spinningModel("long-chat"),
      contextSize: 1024,
      threads: 1,
      temperature: 1,
      seed: 1,
      maxTokensPerStep: 16,
    },
    AbortSignal.timeout(120_000),
  );
  if (!opened.ok) {
    tally.failures.push(`step: the long-chat model did not load: ${opened.reason}`);
    return;
  }
  const pid = brain.workerPid;
  const schema = buildActionSchema([
    {
      name: "finish",
      args: {
        type: "object",
        properties: { summary: { type: "string" } },
        required: ["summary"],
        additionalProperties: false,
      },
    },
  ]);
  const started = performance.now();
  const decision = await opened.session.decide(LONG_CHAT_PROMPT, schema, AbortSignal.timeout(STEP_TIMEOUT_MS));
  const elapsedMs = Math.round(performance.now() - started);
  tally.worstStepMs = Math.max(tally.worstStepMs, elapsedMs);
  if (decision.ok || decision.reason !== "model-error")
    tally.failures.push(`step: ${JSON.stringify(decision).slice(0, 300)}`);
  if (elapsedMs > STEP_TIMEOUT_MS + ABORT_ANSWER_MS + STEP_MARGIN_MS)
    tally.failures.push(`step: ended after ${elapsedMs} ms`);
  if (pid !== undefined && !processEnded(pid)) tally.failures.push(`step: model process ${pid} still runs`);
  await opened.session.dispose();
}

/** The model process's parent is SIGKILLed while the model spins in its template. */
async function attackOrphan(
  tally: Tally,
  guard: ParentDeathGuard,
  template: (typeof LOAD_TEMPLATES)[number],
): Promise<void> {
  tally.attacks += 1;
  const outcome = await killParentOfSpinningModel(guard, await spinningModel(template), ORPHAN_GONE_WITHIN_MS);
  if (outcome.goneAfterMs === undefined)
    tally.failures.push(
      `orphan (${guard}, "${template}"): pid ${outcome.workerPid} still ran ${ORPHAN_GONE_WITHIN_MS} ms after its parent's SIGKILL`,
    );
  else tally.worstOrphanMs = Math.max(tally.worstOrphanMs, outcome.goneAfterMs);
}
