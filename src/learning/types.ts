// The data of learning: lessons, skills and per-situation outcome history, as stored in db.json (version 2). Plain data only.

export type LessonKind = "avoid" | "prefer" | "flaky" | "fact" | "procedure";
export type LessonStatus = "provisional" | "trusted" | "retired" | "pinned";
export type LessonSource = "operator" | "self";

/** One action in canonical form: the tool and its normalized arguments (free text dropped, keys sorted) as JSON. */
export interface ActionKey {
  tool: string;
  /** Canonical JSON of the normalized arguments, e.g. `{"args":[],"command":"make-report"}`. */
  args: string;
}

/** An active mask on an action for one goal: left out of the grammar while in cooldown and the world is unchanged. */
export interface LessonMask {
  /** World fingerprint of the latest failures; in a world the mask does not cover, the action is free. */
  fingerprint: string;
  /** Other worlds the action failed the same way in, oldest first, capped (absent: only `fingerprint`). */
  worlds?: string[];
  /** Failure signature the mask is about. */
  signature: string;
  /** Current cooldown length, in cycles: 1, 2, 4 … capped. */
  cooldownCycles: number;
  /** Masked through this cycle number; from `untilCycle + 1` one retest is allowed. */
  untilCycle: number;
  /** Failed retests so far. */
  retests: number;
  /** Cycle of the last failed retest: a cycle doubles the cooldown at most once, however many worlds it retested in. */
  lastRetestCycle?: number;
}

/** One change to a lesson, kept on the lesson (capped) and written to the journal. */
export interface LessonChange {
  cycle: number;
  at: string;
  /** `created`, `masked`, `retest-failed`, `retired`, `promoted`, `pinned`, `cited-helpful`, `merged` … */
  change: string;
  /** One line saying why. */
  reason: string;
  /** For `masked` and `retest-failed`: the cooldown set by this change, in cycles. */
  cooldownCycles?: number;
}

export interface Lesson {
  /** `L1`, `L2`, … never reused. */
  id: string;
  text: string;
  kind: LessonKind;
  scope: { goal?: string; tool?: string; keywords: string[] };
  /** The action an avoid or flaky lesson is about. */
  action?: ActionKey;
  /** Episode ids that support the lesson, newest last, capped. */
  evidence: string[];
  helpful: number;
  harmful: number;
  status: LessonStatus;
  source: LessonSource;
  /** Derived from a step that read world content: never promoted automatically. */
  tainted: boolean;
  createdAt: string;
  createdCycle: number;
  lastUsedAt?: string;
  lastUsedCycle?: number;
  mask?: LessonMask;
  /** For flaky lessons: outcomes seen. */
  stats?: { successes: number; failures: number };
  history: LessonChange[];
}

/** A replayable procedure that once met a goal. */
export interface Skill {
  /** `S1`, `S2`, … */
  id: string;
  goal: string;
  steps: Array<{ tool: string; args: Record<string, unknown> }>;
  successes: number;
  failures: number;
  status: "active" | "retired";
  createdAt: string;
  createdCycle: number;
  lastUsedCycle?: number;
  /** Episode ids of the steps it was made from. */
  evidence: string[];
  /**
   * 0-based indices into `steps` of steps of doubtful value: each changed only files the goal's check does not name
   * (and no later kept step is known to read). A replay tries the skill without the first one; the check decides
   * whether it goes or stays. Absent or empty: none (and in skills saved before this was kept).
   */
  doubtful?: number[];
  history: LessonChange[];
}

/** A leaner replay of a skill, tried in a cycle: the skill without one doubtful step, and how it went. */
export interface SkillTrial {
  skillId: string;
  /** 0-based index of the step left out. */
  step: number;
  /** The step left out, so the verdict lands only on a skill that still has it there. */
  left: { tool: string; args: Record<string, unknown> };
  /**
   * `passed`: the goal's check passed without the step; `check-failed`: it did not; `step-failed`: a remaining step
   * failed; `masked`: a remaining step was masked (by `lessonId`) in the world the trial reached, so it stopped there.
   */
  outcome: "passed" | "check-failed" | "step-failed" | "masked";
  /** With `masked`: the lesson whose mask foresaw the failure. */
  lessonId?: string;
}

/** How one executed action turned out, as the learning rule sees it. */
export interface ActionOutcome {
  episodeId: string;
  cycle: number;
  goal: string;
  action: ActionKey;
  /** The tool reported success (exit 0, file written). */
  ok: boolean;
  /** Failure signature when `ok` is false. */
  signature?: string;
  /** World fingerprint just before the action ran. */
  fingerprint: string;
  /** This execution was the one retest allowed after a mask's cooldown. */
  retest: boolean;
  /** The failure says it is temporary (see `isTemporaryFailure`): a failed retest then does not lengthen the cooldown. */
  temporary?: boolean;
  /** The step read world content (file or command output). */
  fromWorld: boolean;
  /** The workspace differed after the action (it had a visible effect, so it may be a prerequisite). */
  changedWorld: boolean;
}

/** Recent outcomes of one situation (goal + action), newest last, capped. */
export interface SituationHistory {
  goal: string;
  action: ActionKey;
  /**
   * `fromWorld`: the step read world content; `changedWorld`: the workspace differed after it (both optional: absent
   * in records written before they were kept).
   */
  outcomes: Array<{ cycle: number; ok: boolean; signature?: string; fingerprint: string; episodeId: string; fromWorld?: boolean; changedWorld?: boolean }>;
  /** Cycles in which the action ran ok but the goal's check still failed, and in which it passed. */
  checkFailedCycles: number[];
  checkPassedCycles: number[];
  lastCycle: number;
}

/** Everything learning keeps in db.json. */
export interface LearningData {
  lessons: Lesson[];
  skills: Skill[];
  /** Keyed by `situationKey(goal, action)`. */
  situations: Record<string, SituationHistory>;
  nextLessonId: number;
  nextSkillId: number;
  lastConsolidationCycle: number;
}

/** A logged change, for the journal's "Learned" list. */
export interface LearningDelta {
  /** Lesson or skill id. */
  id: string;
  change: string;
  reason: string;
}
