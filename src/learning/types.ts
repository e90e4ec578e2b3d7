// The data of learning: lessons, skills and per-situation outcome history, as stored in db.json and lessons.json. Each stored type is derived from its valibot schema here, the one definition the db validates with.
import * as v from "valibot";
import { extensibleObject } from "../validation/extensible-object.js";
import { wholeNumber } from "../validation/numbers.js";
import { plainRecord } from "../validation/plain-record.js";

const whole = wholeNumber();
const count = wholeNumber(0);
const positiveCount = wholeNumber(1);

/**
 * The lesson kinds something produces: `avoid` (the outcome rules, the model's reflection on a failed step), `flaky`
 * (the outcome rules) and `fact` (`apprentice teach`).
 */
const LESSON_KINDS = ["avoid", "flaky", "fact"] as const;
/**
 * Kinds earlier versions accepted though nothing produced them, read as the live kind that behaves as they did: no
 * code treated them apart from `fact` (recalled and cited as text, never masked), so the lesson keeps its text, ids
 * and counts and only its label changes. The mapping stays for good, since a rollback can bring back an old
 * lessons.json; a lesson of such a kind refused by the schema would cost the whole file (quarantined).
 */
const RETIRED_LESSON_KINDS = { prefer: "fact", procedure: "fact" } as const;
type LiveKind = (typeof LESSON_KINDS)[number];
type RetiredKind = keyof typeof RETIRED_LESSON_KINDS;
const isRetiredKind = (kind: string): kind is RetiredKind => Object.hasOwn(RETIRED_LESSON_KINDS, kind);
const lessonKindSchema = v.pipe(
  v.picklist([...LESSON_KINDS, ...(Object.keys(RETIRED_LESSON_KINDS) as RetiredKind[])]),
  v.transform((kind): LiveKind => (isRetiredKind(kind) ? RETIRED_LESSON_KINDS[kind] : kind)),
);
const lessonStatusSchema = v.picklist(["provisional", "trusted", "retired", "pinned"]);
const lessonSourceSchema = v.picklist(["operator", "self"]);

export type LessonKind = v.InferOutput<typeof lessonKindSchema>;
export type LessonStatus = v.InferOutput<typeof lessonStatusSchema>;
export type LessonSource = v.InferOutput<typeof lessonSourceSchema>;

/** The schema of {@link ActionKey}, for the records that carry one. */
export const actionKeySchema = v.object({
  tool: v.string(),
  /** Canonical JSON of the normalized arguments, e.g. `{"args":[],"command":"make-report"}`. */
  args: v.string(),
});

/** One action in canonical form: the tool and its normalized arguments (free text dropped, keys sorted) as JSON. */
export type ActionKey = v.InferOutput<typeof actionKeySchema>;

const lessonMaskSchema = v.object({
  /** World fingerprint of the latest failures; in a world the mask does not cover, the action is free. */
  fingerprint: v.string(),
  /** Other worlds the action failed the same way in, oldest first, capped (absent: only `fingerprint`). */
  worlds: v.optional(v.array(v.string())),
  /** Failure signature the mask is about. */
  signature: v.string(),
  /** Current cooldown length, in cycles: 1, 2, 4 … capped. */
  cooldownCycles: positiveCount,
  /** Masked through this cycle number; from `untilCycle + 1` one retest is allowed. */
  untilCycle: whole,
  /** Failed retests so far. */
  retests: count,
  /** Cycle of the last failed retest: a cycle doubles the cooldown at most once, however many worlds it retested in. */
  lastRetestCycle: v.optional(whole),
});

/** An active mask on an action for one goal: left out of the grammar while in cooldown and the world is unchanged. */
export type LessonMask = v.InferOutput<typeof lessonMaskSchema>;

const lessonChangeSchema = extensibleObject({
  cycle: whole,
  at: v.string(),
  /** `created`, `masked`, `retest-failed`, `retired`, `promoted`, `pinned`, `cited-helpful`, `merged` … */
  change: v.string(),
  /** One line saying why. */
  reason: v.string(),
  /** For `masked` and `retest-failed`: the cooldown set by this change, in cycles. */
  cooldownCycles: v.optional(positiveCount),
});

/** One change to a lesson, kept on the lesson (capped) and written to the journal. */
export type LessonChange = v.InferOutput<typeof lessonChangeSchema>;

// Lessons, skills and situations are extensible: a field added later is kept on rewrite; the fields the rules rely on are checked.
const lessonSchema = extensibleObject({
  /** `L1`, `L2`, … never reused. */
  id: v.string(),
  text: v.string(),
  kind: lessonKindSchema,
  scope: extensibleObject({
    goal: v.optional(v.string()),
    tool: v.optional(v.string()),
    keywords: v.array(v.string()),
  }),
  /** The action an avoid or flaky lesson is about. */
  action: v.optional(actionKeySchema),
  /** Episode ids that support the lesson, newest last, capped. */
  evidence: v.array(v.string()),
  helpful: count,
  harmful: count,
  status: lessonStatusSchema,
  source: lessonSourceSchema,
  /** Derived from a step that read world content: never promoted automatically. */
  tainted: v.boolean(),
  createdAt: v.string(),
  createdCycle: count,
  lastUsedAt: v.optional(v.string()),
  lastUsedCycle: v.optional(count),
  mask: v.optional(lessonMaskSchema),
  /** For flaky lessons: outcomes seen. */
  stats: v.optional(v.object({ successes: count, failures: count })),
  history: v.array(lessonChangeSchema),
});

/** A lesson: what the learning rules (or the operator) concluded, with its evidence, counts and changes. */
export type Lesson = v.InferOutput<typeof lessonSchema>;

const skillStepSchema = v.object({ tool: v.string(), args: plainRecord(v.string(), v.unknown()) });

/** One step of a skill: a tool and its arguments as the model gave them. */
export type SkillStep = v.InferOutput<typeof skillStepSchema>;

const skillSchema = extensibleObject({
  /** `S1`, `S2`, … */
  id: v.string(),
  goal: v.string(),
  steps: v.array(skillStepSchema),
  successes: count,
  failures: count,
  status: v.picklist(["active", "retired"]),
  createdAt: v.string(),
  createdCycle: count,
  lastUsedCycle: v.optional(count),
  /** Episode ids of the steps it was made from. */
  evidence: v.array(v.string()),
  /**
   * 0-based indices into `steps` of steps of doubtful value: each changed only files the goal's check does not name
   * (and no later kept step is known to read). A replay tries the skill without the first one; the check decides
   * whether it goes or stays. Absent or empty: none (and in skills saved before this was kept).
   */
  doubtful: v.optional(v.array(count)),
  history: v.array(lessonChangeSchema),
});

/** A replayable procedure that once met a goal. */
export type Skill = v.InferOutput<typeof skillSchema>;

const situationOutcomeSchema = v.object({
  cycle: whole,
  ok: v.boolean(),
  /** Failure signature when `ok` is false. */
  signature: v.optional(v.string()),
  /** World fingerprint just before the action ran. */
  fingerprint: v.string(),
  episodeId: v.string(),
  /** The step read world content (absent in records written before it was kept). */
  fromWorld: v.optional(v.boolean()),
  /**
   * The workspace differed after the step (absent in records written before it was kept). The rule "never
   * ineffective if it ever changed the workspace" reads it across restarts.
   */
  changedWorld: v.optional(v.boolean()),
});

/** One recorded outcome of a situation. */
export type SituationOutcome = v.InferOutput<typeof situationOutcomeSchema>;

const situationSchema = extensibleObject({
  goal: v.string(),
  action: actionKeySchema,
  /** Newest last, capped. */
  outcomes: v.array(situationOutcomeSchema),
  /** Cycles in which the action ran ok but the goal's check still failed. */
  checkFailedCycles: v.array(whole),
  /** Cycles in which the action ran ok and the goal's check passed. */
  checkPassedCycles: v.array(whole),
  lastCycle: whole,
});

/** Recent outcomes of one situation (goal + action), newest last, capped. */
export type SituationHistory = v.InferOutput<typeof situationSchema>;

/** The schema of {@link LearningData}, for the db's own schema. */
export const learningSchema = extensibleObject({
  lessons: v.array(lessonSchema),
  skills: v.array(skillSchema),
  /** Keyed by `situationKey(goal, action)`. */
  situations: plainRecord(v.string(), situationSchema),
  nextLessonId: positiveCount,
  nextSkillId: positiveCount,
  lastConsolidationCycle: count,
});

/** Everything learning keeps in db.json. */
export type LearningData = v.InferOutput<typeof learningSchema>;

/** A leaner replay of a skill, tried in a cycle: the skill without one doubtful step, and how it went. */
export interface SkillTrial {
  skillId: string;
  /** 0-based index of the step left out. */
  step: number;
  /** The step left out, so the verdict lands only on a skill that still has it there. */
  left: SkillStep;
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

/** A logged change, for the journal's "Learned" list. */
export interface LearningDelta {
  /** Lesson or skill id. */
  id: string;
  change: string;
  reason: string;
}
