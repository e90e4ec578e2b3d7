// runCycle(deps): sense → gate → recall → decide/act → verify → record. Every effect arrives in deps; every outcome is returned as data.
import { statSync } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Low } from "lowdb";
import type { Brain, BrainSession } from "../brain/brain.js";
import { renderLessonsMarkdown } from "../learning/lessons-markdown.js";
import type { LearningDelta } from "../learning/types.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { appendCycleRecord, writeCycleMarker, writeDb, writeDbAfter, type CycleSensors, type DbData } from "../memory/db.js";
import { replaceFile, writeFileDurably } from "../memory/durable-write.js";
import type { EpisodeLog } from "../memory/episodes.js";
import { loadGoals, type Goal } from "../memory/goals-file.js";
import { archiveInbox, readCharter, readInbox } from "../memory/inbox.js";
import { recordHistory } from "../history/state-history.js";
import {
  appendRenderedEntry,
  completeJournalEntry,
  formatLocalDate,
  journalEntryForPrompt,
  readRecentJournalEntries,
  renderJournalEntry,
  type JournalEntry,
} from "../memory/journal.js";
import type { StatePaths } from "../memory/state-paths.js";
import { decideGate, findNothingToDo, type SkipReason } from "../sense/gate.js";
import { chooseThreads, fitContext } from "../sense/fit-resources.js";
import { describeSensors, type Sensors } from "../sense/read-sensors.js";
import { showControls, toOneLine } from "../text/safe-text.js";
import type { Tool } from "../tools/tool.js";
import { applyRetention } from "./apply-retention.js";
import { describeDeadlineFailure, startCycleDeadline } from "./cycle-deadline.js";
import { describeReason, runActLoop, type ActLoopResult, type StepRecord } from "./act-loop.js";
import { selectDueGoals } from "./due-goals.js";
import { ingestOperatorRequests } from "./ingest-operator-requests.js";
import { createTurnPrompt } from "./goal-prompt.js";
import { allGoalsMet, judgeGoals, summarizeCycle, type GoalVerdict } from "./goal-verdicts.js";
import { reflectOnCycle, reflectOnFailure } from "./reflect.js";
import { runCheck, type CheckResult } from "./run-check.js";

/** Everything a cycle touches. Only the composition root builds the real ones; tests swap any of them. */
export interface CycleDeps {
  paths: StatePaths;
  config: Config;
  /** Resolved GGUF path, or undefined when none is configured. */
  modelPath: string | undefined;
  brain: Brain;
  db: Low<DbData>;
  episodes: EpisodeLog;
  tools: readonly Tool[];
  clock: () => Date;
  logger: Logger;
  readSensors: () => Promise<Sensors>;
  /** Aborts the cycle (daemon shutdown). The cycle's own timeout is added on top. */
  signal?: AbortSignal;
  /** Observes progress (the CLI's progress line, tests that sample RSS mid-cycle). */
  onProgress?: (event: CycleProgress) => void;
}

export type CycleProgress =
  | { kind: "model-loaded"; cycle: number; loadMs: number }
  | { kind: "step"; cycle: number; record: StepRecord }
  | { kind: "model-unloaded"; cycle: number };

export type CycleResult =
  | {
      status: "ran";
      cycle: number;
      durationMs: number;
      steps: number;
      failedSteps: number;
      checks: Array<{ goal: string; passed: boolean }>;
      /** Each goal due at the cycle's start, in serving order, with its verdict. */
      goals: GoalVerdict[];
      /** `1 of 2 goals met` (see `summarizeCycle`), then the model's own words; the model's words alone with no goal. */
      summary?: string;
      journalFile: string;
    }
  | { status: "skipped"; reason: SkipReason; detail: string }
  | {
      status: "failed";
      reason: string;
      cycle?: number;
      /** The operator must fix something first (no model configured, an unreadable goals.yaml): retrying will not help. */
      operatorError?: true;
    };

/** Runs one cycle. Throws only for broken invariants (a state dir that cannot be written); model and tool trouble is data. */
export async function runCycle(deps: CycleDeps): Promise<CycleResult> {
  const { config, db, logger, paths } = deps;
  await recordInterruptedCycle(deps);
  // The operator's requests (operator/, believed only when the OS vouches for their writer) need no model and wait
  // for nothing, not even a goals.yaml that must be fixed first.
  await ingestOperatorRequests(deps);

  const goalsResult = await loadGoals(paths.goals);
  if (!goalsResult.ok) return { status: "failed", reason: goalsResult.error, operatorError: true };
  if (goalsResult.warning !== undefined) logger.warn(goalsResult.warning);
  const inboxRead = await readInbox(paths.inbox);
  for (const note of inboxRead.skipped) logger.warn(`inbox/${note}`);
  for (const message of inboxRead.messages) {
    for (const warning of message.warnings) logger.warn(`inbox/${message.file}: ${warning}`);
  }
  // Every inbox file is a message, whatever its name: world content, quoted in the prompt, never applied.
  const inbox = { messages: inboxRead.messages };

  // Goals whose check already passes are met without loading the model: the world judges.
  const allDue = selectDueGoals(goalsResult.goals, db.data.goals, deps.clock());
  let dueGoals = allDue;
  const preChecks = await checkGoals(deps, dueGoals.filter((goal) => goal.check !== undefined));
  // Each goal's last check in words, so a check still valid at the end is reported as it ran.
  const checkDetails = new Map(preChecks.map((check) => [check.goal, check.detail]));
  if (preChecks.some((check) => check.passed)) {
    dueGoals = dueGoals.filter((goal) => !preChecks.some((check) => check.goal === goal.id && check.passed));
    await writeDb(db);
  }

  const work = { dueGoals: dueGoals.length, inboxMessages: inbox.messages.length };
  const idle = findNothingToDo(work);
  if (idle !== undefined) return skip(deps, idle.reason, idle.detail);
  const sensors = await deps.readSensors();
  const early = decideGate({ work, cpuTempC: sensors.cpuTempC, maxTempC: config.limits.maxTempC, availableRamMB: sensors.availableRamMB, reserveRamMB: config.limits.reserveRamMB });
  if (!early.run) return skip(deps, early.reason, early.detail, sensors);
  const modelPath = deps.modelPath;
  if (modelPath === undefined) return { status: "failed", reason: NO_MODEL_MESSAGE, operatorError: true };
  const modelProblem = await describeModelFileProblem(modelPath);
  if (modelProblem !== undefined) return { status: "failed", reason: modelProblem, operatorError: true };
  // The cycle starts here: the model's process starts and sizes the model, and the prompt's memory is prepared
  // meanwhile. Neither waits for the other (the prompt does not depend on the context size), so recall costs the
  // cycle no time of its own; if the model does not fit, the prepared prompt is dropped unused.
  const startedAt = deps.clock();
  const startedMs = performance.now();
  // The deadline starts with the cycle: sizing, loading (the chat template's checks too) and every step run under it.
  const deadline = startCycleDeadline(config.limits.cycleTimeoutMs, deps.signal);
  const cycleSignal = deadline.signal;
  const learning = config.learning.enabled ? db.data.learning : undefined;
  const enabledTools = deps.tools.filter((tool) => tool.name === "finish" || config.tools.enabled === undefined || config.tools.enabled.includes(tool.name as never));
  // Sized to the board before loading: the GGUF's metadata gives the memory at each context size.
  const sizing = fitContext({
    configured: config.model.contextSize,
    floor: config.limits.minContextSize,
    availableRamMB: sensors.availableRamMB,
    reserveRamMB: config.limits.reserveRamMB,
    estimate: async (contextSize) => {
      const result = await deps.brain.estimate(modelPath, contextSize, cycleSignal);
      return result.ok ? { ok: true, contextSize: result.estimate.contextSize, neededRamMB: Math.ceil(result.estimate.totalBytes / (1024 * 1024)) } : result;
    },
  });
  const preparing = (async () => {
    const prompt = createTurnPrompt({
      now: startedAt,
      sensorsLine: describeSensors(sensors),
      charter: await readCharter(paths.charter),
      goals: dueGoals,
      progress: db.data.goals,
      inbox: inbox.messages,
      recentJournal: (await readRecentJournalEntries(paths.journal, config.limits.recentJournalEntries)).map(journalEntryForPrompt),
      toolLines: enabledTools.map((tool) => `- ${tool.name}: ${tool.description}`),
      ...(learning !== undefined ? { learning } : {}),
    });
    // The first goal's recall is made now, while the model is sized; another goal's waits for its turn.
    prompt(dueGoals[0]?.id, dueGoals.map((goal) => goal.id));
    return prompt;
  })();
  const [sized, recalled] = await Promise.allSettled([sizing, preparing]);
  if (sized.status === "rejected") throw sized.reason;
  const fit = sized.value;
  // A stop during the estimate ends the model process under it: that is the shutdown, not a bad model.
  if (!fit.ok && deps.signal?.aborted === true) return skip(deps, "stopping", `${describeReason(deps.signal.reason)} while sizing the model (${fit.detail})`);
  if (!fit.ok && deadline.passed()) return { status: "failed", reason: describeDeadlineFailure("sizing", config.limits.cycleTimeoutMs) };
  if (!fit.ok && fit.kind === "bad-model") return { status: "failed", reason: fit.detail };
  if (!fit.ok) return skip(deps, "low-memory", fit.detail, sensors);
  const threadChoice = chooseThreads(config.model.threads, sensors.cpuTempC, config.limits.softTempC);
  const resources = { contextSize: fit.contextSize, threads: threadChoice.threads, neededRamMB: fit.neededRamMB };
  const resourceNotes = [fit.note, threadChoice.note].filter((note): note is string => note !== undefined);
  for (const note of resourceNotes) logger.info(note);

  if (recalled.status === "rejected") throw recalled.reason;
  const prompt = recalled.value;

  // From here on the cycle has a number and is marked in progress (cycle.json, a few bytes), so a crash is noticed on
  // the next start; the count and start time reach db.json with the cycle's end, and the marker carries them till then.
  const cycle = db.data.cycle.count + 1;
  db.data.cycle.count = cycle;
  db.data.cycle.lastStartedAt = startedAt.toISOString();
  db.data.cycle.inProgress = { cycle, startedAt: startedAt.toISOString(), pid: process.pid };
  await writeCycleMarker(db);

  const notes: string[] = [...resourceNotes];
  let loop: ActLoopResult | undefined;
  let session: BrainSession | undefined;
  const learned: LearningDelta[] = [];
  let loadStarted = false;
  try {
    loop = await runActLoop({
      openSession: () => {
        loadStarted = true;
        return deps.brain.open({
          modelPath: deps.modelPath as string,
          contextSize: resources.contextSize,
          threads: resources.threads,
          temperature: config.model.temperature,
          maxTokensPerStep: config.model.maxTokensPerStep,
          ...(config.model.seed !== undefined ? { seed: config.model.seed + cycle } : {}),
        }, cycleSignal);
      },
      onModelLoaded: (loadMs) => deps.onProgress?.({ kind: "model-loaded", cycle, loadMs }),
      prompt,
      // Messages are world content: what this cycle learns may have been steered by them, so it is tainted.
      worldInPrompt: inbox.messages.length > 0,
      tools: enabledTools,
      offerUseSkill: config.tools.enabled === undefined || config.tools.enabled.includes("use_skill"),
      goals: dueGoals.map((goal) => ({ id: goal.id, hasCheck: goal.check !== undefined })),
      ...(learning !== undefined ? { learning } : {}),
      cycle,
      now: deps.clock,
      maxCooldownCycles: config.learning.maxCooldownCycles,
      maxSteps: config.limits.maxSteps,
      stepTimeoutMs: config.limits.stepTimeoutMs,
      thoughtMaxChars: config.model.thoughtMaxChars,
      limits: config.limits,
      allowCommands: config.tools.allowCommands,
      commandDirs: config.tools.commandDirs.map((dir) => path.resolve(paths.root, dir)),
      commandArgs: config.tools.commandArgs,
      sandbox: config.sandbox,
      workspaceDir: paths.workspace,
      signal: cycleSignal,
      effects: {
        writeNote: async (text) => void notes.push(text),
        sendMessage: (text) => writeOutboxMessage(paths.outbox, cycle, text, deps.clock()),
        readSensors: async () => describeSensors(await deps.readSensors()),
      },
      checkGoal: async (goalId) => {
        const [check] = await checkGoals(deps, dueGoals.filter((goal) => goal.id === goalId));
        if (check !== undefined) checkDetails.set(check.goal, check.detail);
        return check?.passed === true;
      },
      onStep: async (record) => {
        await deps.episodes.append({
          v: 1,
          kind: "step",
          id: `c${cycle}s${record.step}`,
          cycle,
          at: deps.clock().toISOString(),
          ...record,
        });
        deps.onProgress?.({ kind: "step", cycle, record });
      },
    });
    session = loop.session;
    if (session !== undefined && learning !== undefined && config.learning.reflect && !cycleSignal.aborted) {
      const delta = await reflectOnFailure({ session, learning, steps: loop.steps, worldInPrompt: inbox.messages.length > 0, cycle, now: deps.clock(), signal: cycleSignal });
      if (delta !== undefined) learned.push(delta);
    }
  } finally {
    const open = loop?.session;
    if (open !== undefined) {
      await open.dispose();
      deps.onProgress?.({ kind: "model-unloaded", cycle });
    }
  }
  const steps: StepRecord[] = loop.steps;
  const loadTimedOut = loadStarted && !loop.modelLoaded && deadline.passed();
  const failure = loadTimedOut ? describeDeadlineFailure("loading", config.limits.cycleTimeoutMs) : (loop.modelError ?? (loop.abortedBy !== undefined ? `aborted: ${loop.abortedBy}` : undefined));

  // Verify: the goals' own checks decide what was achieved, whatever the model claimed. A check made in the workspace
  // as the loop left it (the first one, when no step changed the workspace; one after a replay or a step) still holds:
  // a check is a command run in the workspace, and running it again would only cost a fork of the daemon.
  const checks = failure?.startsWith("aborted") === true ? [] : await finalChecks(deps, dueGoals, loop.settledChecks, checkDetails);
  const now = deps.clock().toISOString();
  // Only the goals the cycle worked on count as attempted: one the budget ran out before keeps its older time, and so
  // goes first next cycle (see orderGoals).
  for (const served of loop.goals.filter((goal) => goal.attempted)) {
    const record = (db.data.goals[served.id] ??= { attempts: 0 });
    record.attempts += 1;
    record.lastWorkedAt = now;
  }
  const verdicts = judgeGoals({ due: allDue, preChecks, served: loop.goals, finalChecks: checks });
  const summary = summarizeCycle(verdicts, loop.finishSummaries);
  const goalsMet = allGoalsMet(verdicts);

  if (learning !== undefined && !failure?.startsWith("aborted")) {
    learned.push(...reflectOnCycle({
      learning,
      loop,
      checks: checks.map((check) => ({ goal: check.goal, passed: check.passed })),
      goalChecks: Object.fromEntries(dueGoals.flatMap((goal) => (goal.check !== undefined ? [[goal.id, goal.check]] : []))),
      cycle,
      now: deps.clock(),
      settings: config.learning,
    }));
    if (learned.length > 0) await replaceFile(paths.lessons, renderLessonsMarkdown(learning, deps.clock(), cycle));
  }

  const failedSteps = steps.filter((step) => !step.ok).length;
  const durationMs = Math.round(performance.now() - startedMs);
  const status = failure === undefined ? "ran" : "failed";
  const entry: JournalEntry = {
    cycle,
    startedAt,
    durationMs,
    status,
    ...(failure !== undefined ? { reason: failure } : {}),
    goals: allDue.map((goal, index) => ({ id: goal.id, title: goal.title, ...verdicts[index] })),
    steps: steps.map((step) => ({
      step: step.step,
      tool: step.tool,
      argsSummary: summarizeArgs(step.args),
      ok: step.ok,
      detail: describeStepForJournal(step),
    })),
    checks: checks.map((check) => ({ goal: check.goal, passed: check.passed, detail: check.detail })),
    notes: [...notes, ...inbox.messages.map((message) => `read inbox message ${message.file}`)],
    ...(summary !== undefined ? { summary } : {}),
    learned: learned.map((delta) => `${delta.id} ${delta.change}: ${delta.reason}`),
    sensors: describeSensors(sensors),
  };
  // Record, then tell: db.json gets the cycle's record together with its journal entry (and the inbox files it
  // read); the journal and the inbox archive follow. A crash in between leaves db.json with a pending entry that the
  // next cycle completes, so the journal never reports a cycle db.json lacks and no message is read twice.
  const journalDay = deps.clock();
  const journalText = renderJournalEntry(entry);
  const readMessages = status === "ran" ? inbox.messages.flatMap((message) => {
    const info = statSync(path.join(paths.inbox, message.file), { throwIfNoEntry: false });
    return info === undefined ? [] : [{ file: message.file, size: info.size, mtimeMs: info.mtimeMs }];
  }) : [];
  db.data.cycle.pendingJournal = { cycle, day: formatLocalDate(journalDay), text: journalText, inbox: readMessages };
  appendCycleRecord(db, {
    cycle,
    startedAt: startedAt.toISOString(),
    endedAt: now,
    status,
    ...(failure !== undefined ? { reason: failure } : {}),
    steps: steps.length,
    failedSteps,
    ...(summary !== undefined ? { summary } : {}),
    durationMs,
    ...(goalsMet !== undefined ? { goalsMet } : {}),
    ...(verdicts.length > 0 ? { goals: verdicts } : {}),
    learned: learned.length,
    activeLessons: db.data.learning.lessons.filter((lesson) => lesson.status !== "retired").length,
    sensors: cycleSensors(sensors),
    resources,
  });
  db.data.cycle.lastEndedAt = now;
  delete db.data.cycle.inProgress;
  // The record refers to the episodes, so they are flushed first; the db write is prepared while they flush.
  await writeDbAfter(db, deps.episodes.sync());
  const { journalFile } = await completePendingJournal(deps, { justRecorded: true });
  if (config.history.enabled) {
    const subject = `Cycle ${cycle} ${status} in ${(durationMs / 1000).toFixed(1)} s${summary !== undefined ? `: ${oneLine(summary, 120)}` : failure !== undefined ? `: ${oneLine(failure, 120)}` : ""}`;
    const lines = learned.map((delta) => `- ${delta.id} ${delta.change}: ${oneLine(delta.reason, 200)}`);
    // History is for the operator; a failure to record it must not cost the cycle.
    await recordHistory(paths, { event: "cycle", cycle, subject, lines, now: deps.clock() }).catch((error: unknown) =>
      logger.warn(`history: could not record cycle ${cycle}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  // Keeping the logs to size is housekeeping: a failure is logged and tried again next cycle.
  await applyRetention({ cycle, config, paths, learning: db.data.learning, episodes: deps.episodes, now: deps.clock() }).then(
    (done) => done.forEach((line) => logger.info(`retention: ${line}`)),
    (error: unknown) => logger.warn(`retention: ${error instanceof Error ? error.message : String(error)}`),
  );
  logger.info(`cycle ${cycle} ${status} in ${(durationMs / 1000).toFixed(1)} s: ${steps.length} steps, ${failedSteps} failed, checks ${checks.map((check) => `${check.goal}=${check.passed ? "pass" : "fail"}`).join(" ") || "none"}`);
  if (failure !== undefined) return { status: "failed", reason: failure, cycle };
  return {
    status: "ran",
    cycle,
    durationMs,
    steps: steps.length,
    failedSteps,
    checks: checks.map((check) => ({ goal: check.goal, passed: check.passed })),
    goals: verdicts,
    ...(summary !== undefined ? { summary } : {}),
    journalFile,
  };
}

/** Told to the operator whenever a cycle needs the model and none is configured. */
export const NO_MODEL_MESSAGE = [
  "no model is configured.",
  "Put a GGUF file (a small instruct model such as Qwen2.5 0.5B/1.5B Instruct or Llama 3.2 1B Instruct, Q4_K_M) in the state dir's models/ folder",
  'and set "model": {"path": "models/<file>.gguf"} in config.json, or pass --model PATH.',
  "For an offline try-out with a random-weights stand-in, run: npm run demo",
].join("\n");

/** Why the model file cannot be used (missing, unreadable, not a file), with the advice of {@link NO_MODEL_MESSAGE}; `undefined` when it can. */
export async function describeModelFileProblem(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? undefined : `model path ${file} is not a file`;
  } catch (error) {
    return `model file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). ${NO_MODEL_MESSAGE}`;
  }
}

/** One goal's check as the cycle reports it: the goal, whether it passed, and how it ended in a few words. */
interface CheckRun {
  goal: string;
  passed: boolean;
  detail: string;
}

/** Runs the checks of `goals` and stores the results in the db's goal progress (the caller writes the db). */
async function checkGoals(deps: CycleDeps, goals: readonly Goal[]): Promise<Array<CheckResult & CheckRun>> {
  const results: Array<CheckResult & CheckRun> = [];
  for (const goal of goals) {
    if (goal.check === undefined) continue;
    const result = await runCheck(goal.check, {
      cwd: deps.paths.workspace,
      timeoutMs: deps.config.limits.commandTimeoutMs,
      maxOutputBytes: deps.config.limits.maxOutputBytes,
      sandbox: deps.config.sandbox,
      readOnlyDirs: deps.config.tools.commandDirs.map((dir) => path.resolve(deps.paths.root, dir)),
    });
    const at = deps.clock().toISOString();
    const record = (deps.db.data.goals[goal.id] ??= { attempts: 0 });
    record.lastCheckedAt = at;
    record.lastCheckPassed = result.passed;
    record.lastCheckOutput = result.output.slice(0, 500);
    if (result.passed) record.doneAt = at;
    const detail = result.passed ? `exit 0` : `${result.exitDescription}${result.output ? `: ${firstLine(result.output)}` : ""}`;
    results.push({ ...result, goal: goal.id, detail });
    await deps.episodes.append({
      v: 1,
      kind: "check",
      id: `check-${goal.id}-${at}`,
      cycle: deps.db.data.cycle.inProgress?.cycle ?? deps.db.data.cycle.count,
      step: 0,
      at,
      goal: goal.id,
      tool: "check",
      args: { command: goal.check },
      ok: result.passed,
      ...(result.passed ? {} : { error: detail }),
      output: result.output,
      durationMs: result.durationMs,
    });
  }
  return results;
}

/**
 * The checks at a cycle's end: one the loop made in the workspace it left (`settled`) still holds and is reused with
 * its detail from `details` (goal → detail of its last check); the others run now.
 */
async function finalChecks(deps: CycleDeps, goals: readonly Goal[], settled: ActLoopResult["settledChecks"], details: ReadonlyMap<string, string>): Promise<CheckRun[]> {
  const checks: CheckRun[] = [];
  for (const goal of goals.filter((each) => each.check !== undefined)) {
    const known = settled.find((check) => check.goal === goal.id);
    const detail = details.get(goal.id);
    if (known === undefined || detail === undefined) {
      checks.push(...(await checkGoals(deps, [goal])));
      continue;
    }
    const since = known.afterStep === 0 ? "no step changed the workspace since the first check" : `checked after step ${known.afterStep}; no step changed the workspace since`;
    checks.push({ goal: goal.id, passed: known.passed, detail: `${detail} (${since})` });
  }
  return checks;
}

/** A skipped cycle loads nothing and writes little: the reason goes to the log and into the db's cycle index. */
async function skip(deps: CycleDeps, reason: SkipReason, detail: string, sensors?: Sensors): Promise<CycleResult> {
  const level = reason === "nothing-to-do" ? "debug" : reason === "stopping" ? "info" : "warn";
  deps.logger[level](`cycle skipped (${reason}): ${detail}`);
  if (reason !== "nothing-to-do" && reason !== "stopping") {
    deps.db.data.lastSkip = { at: deps.clock().toISOString(), reason, detail, ...(sensors !== undefined ? { sensors: cycleSensors(sensors) } : {}) };
    await writeDb(deps.db);
  }
  return { status: "skipped", reason, detail };
}

/** The part of a sensor reading kept with a cycle (or a skip) in db.json: heat, RAM and the Pi's throttle bits. */
function cycleSensors(sensors: Sensors): CycleSensors {
  return {
    ...(sensors.cpuTempC !== undefined ? { cpuTempC: sensors.cpuTempC } : {}),
    availableRamMB: sensors.availableRamMB,
    totalRamMB: sensors.totalRamMB,
    ...(sensors.throttled !== undefined ? { throttled: sensors.throttled } : {}),
  };
}

/**
 * A cycle still marked in progress was cut off (kill -9, power cut). Record it as interrupted, so the journal and
 * the cycle index say what happened; the episodes it wrote before the crash stay in the log.
 */
async function recordInterruptedCycle(deps: CycleDeps): Promise<void> {
  if (deps.db.data.cycle.pendingJournal !== undefined) {
    const { cycle } = deps.db.data.cycle.pendingJournal;
    // Normally done long ago (the entry stays in db.json until the next write): then this only reads the day file.
    const { repaired } = await completePendingJournal(deps);
    if (repaired.length > 0) {
      deps.logger.warn(`cycle ${cycle} was recorded, but a crash cut off its end; completed now: ${repaired.join(", ")}`);
      if (deps.db.data.cycle.inProgress === undefined) await writeDb(deps.db);
    }
  }
  const inProgress = deps.db.data.cycle.inProgress;
  if (inProgress === undefined) return;
  const { cycle: counter } = deps.db.data;
  // The count reaches db.json only with a cycle's end: the marker's number is taken, whatever db.json says.
  if (counter.count < inProgress.cycle) {
    counter.count = inProgress.cycle;
    counter.lastStartedAt = inProgress.startedAt;
  }
  // Cut off after its record was written but before the marker was removed: nothing was lost, only the marker is left.
  if (deps.db.data.cycles.some((record) => record.cycle === inProgress.cycle && record.startedAt === inProgress.startedAt)) {
    delete counter.inProgress;
    await writeDb(deps.db);
    return;
  }
  const now = deps.clock();
  const reason = `the process (pid ${inProgress.pid}) stopped mid-cycle; steps recorded before that are kept in episodes.jsonl`;
  deps.logger.warn(`cycle ${inProgress.cycle} was interrupted: ${reason}`);
  const text = renderJournalEntry({ cycle: inProgress.cycle, startedAt: new Date(inProgress.startedAt), durationMs: 0, status: "interrupted", reason, goals: [], steps: [], checks: [], notes: [], learned: [] });
  deps.db.data.cycle.pendingJournal = { cycle: inProgress.cycle, day: formatLocalDate(now), text, inbox: [] };
  appendCycleRecord(deps.db, {
    cycle: inProgress.cycle,
    startedAt: inProgress.startedAt,
    endedAt: now.toISOString(),
    status: "interrupted",
    reason,
    steps: 0,
    failedSteps: 0,
    durationMs: Math.max(0, now.getTime() - Date.parse(inProgress.startedAt)),
  });
  delete deps.db.data.cycle.inProgress;
  await writeDb(deps.db);
  await completePendingJournal(deps, { justRecorded: true });
  // Its own history entry, so `apprentice history` shows the interruption where it happened.
  if (deps.config.history.enabled) {
    await recordHistory(deps.paths, { event: "cycle", cycle: inProgress.cycle, subject: `Cycle ${inProgress.cycle} interrupted: ${reason}`, now }).catch((error: unknown) =>
      deps.logger.warn(`history: could not record cycle ${inProgress.cycle}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}

/**
 * Appends the pending journal entry of the last recorded cycle (unless it is there whole already) and archives the
 * inbox files it read that are still in `inbox/`, then drops it from memory; the next db write leaves it out. Returns
 * the journal day file.
 */
async function completePendingJournal(deps: CycleDeps, options: { justRecorded?: boolean } = {}): Promise<{ journalFile: string; repaired: string[] }> {
  const pending = deps.db.data.cycle.pendingJournal;
  if (pending === undefined) throw new Error("completePendingJournal: no journal entry is pending");
  const [year, month, date] = pending.day.split("-").map(Number) as [number, number, number];
  const day = new Date(year, month - 1, date, 12);
  const warn = (message: string): void => deps.logger.warn(message);
  // Just recorded by this process: the entry cannot be there yet, and reading a big day file every cycle is waste.
  let journal: Awaited<ReturnType<typeof completeJournalEntry>> = "appended";
  if (options.justRecorded === true) await appendRenderedEntry(deps.paths.journal, day, pending.text, deps.clock, warn);
  else journal = await completeJournalEntry(deps.paths.journal, day, pending.text, deps.clock, warn);
  // Just recorded: the files the cycle read. After a crash: those still waiting as they were read (a file of the same
  // name with another size or mtime was dropped later, after a rollback say, and is a new message).
  const stillThere = pending.inbox
    .filter((read) => {
      const info = statSync(path.join(deps.paths.inbox, read.file), { throwIfNoEntry: false });
      return info !== undefined && (options.justRecorded === true || (info.size === read.size && info.mtimeMs === read.mtimeMs));
    })
    .map((read) => read.file);
  await archiveInbox(deps.paths.inbox, deps.paths.inboxProcessed, stillThere, pending.cycle);
  delete deps.db.data.cycle.pendingJournal;
  const repaired = [...(journal !== "present" ? [`journal entry ${journal}`] : []), ...(stillThere.length > 0 ? [`${stillThere.length} inbox files archived`] : [])];
  return { journalFile: path.join(deps.paths.journal, `${pending.day}.md`), repaired };
}

/**
 * Writes one message to outbox/ durably and returns its file name. The model wrote the text, steered by what it read,
 * and the operator reads it with `cat`: its controls are shown visibly (`\x1b`), never written raw.
 */
async function writeOutboxMessage(outboxDir: string, cycle: number, text: string, now: Date): Promise<string> {
  await mkdir(outboxDir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const existing = (await readdir(outboxDir)).filter((name) => name.startsWith(`${stamp}-c${cycle}`)).length;
  const name = `${stamp}-c${cycle}-${existing + 1}.md`;
  await writeFileDurably(path.join(outboxDir, name), `${showControls(text.trim())}\n`);
  return name;
}

function summarizeArgs(args: Record<string, unknown>): string {
  const text = JSON.stringify(args);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function firstLine(text: string | undefined): string {
  return (text ?? "").trim().split("\n")[0]?.slice(0, 200) ?? "";
}

/** Text collapsed to one line, its controls shown visibly, and capped, for a commit message. */
function oneLine(text: string, maxChars: number): string {
  return toOneLine(text.replace(/\s+/g, " ").trim(), maxChars);
}

/** A step's outcome in the journal, said to be a skill's replay or a mask's retest when it was one (no model chose it). */
function describeStepForJournal(step: StepRecord): string {
  const outcome = step.ok ? firstLine(step.output) || "ok" : `${step.error ?? "failed"}${step.detail !== undefined ? `: ${step.detail}` : ""}`;
  const how = step.replay !== undefined ? `replaying ${step.replay}: ` : step.retest === true ? "retest of a masked command: " : "";
  return `${how}${outcome}`;
}
