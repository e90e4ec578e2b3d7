// The recall stage: the prompt's memory (charter, due goals and their progress, inbox, recent journal, tools, and the lessons and skills recalled for the first goal), prepared while the gate sizes the model.
import type { LearningData } from "../learning/types.js";
import type { Goal } from "../memory/goals-file.js";
import type { InboxMessage } from "../memory/inbox.js";
import { journalEntryForPrompt, readJournalWindow, type JournalWindow } from "../memory/journal-for-prompt.js";
import type { CycleLedger } from "../record/ledger.js";
import { describeSensorsBriefly, type Sensors } from "../sense/read-sensors.js";
import type { Tool } from "../tools/tool.js";
import type { CycleDeps } from "./cycle-deps.js";
import { createTurnPrompt, type TurnPrompt } from "./goal-prompt.js";

/** The prompt builder of a cycle's turns (see `createTurnPrompt`). */
export type TurnPromptBuilder = (focus: string | undefined, unmet: readonly string[]) => TurnPrompt;

/** What recall draws on besides the state dir's files. */
export interface RecallStageInput {
  startedAt: Date;
  sensors: Sensors;
  /** charter.md as the wake stage read it. */
  charter: string;
  /** The due goals not met by their pre-check, in serving order. */
  goals: readonly Goal[];
  inbox: readonly InboxMessage[];
  tools: readonly Tool[];
  /** Learning state, or undefined when learning is off. */
  learning?: LearningData;
}

/**
 * Reads the recent journal and returns the cycle's prompt builder, with the first goal's recall made
 * already (another goal's waits for its turn). Needs nothing from the model, so it runs while the model is sized.
 */
export async function recall(
  deps: CycleDeps,
  ledger: CycleLedger,
  input: RecallStageInput,
): Promise<TurnPromptBuilder> {
  const prompt = createTurnPrompt({
    now: input.startedAt,
    sensorsLine: describeSensorsBriefly(input.sensors),
    charter: input.charter,
    goals: input.goals,
    progress: ledger.goalProgress,
    inbox: input.inbox,
    recentJournal: journalPages(await readJournalWindow(deps.paths.journal, deps.config.limits.recentJournalEntries)),
    toolLines: input.tools.map((tool) => `- ${tool.name}: ${tool.description}`),
    ...(input.learning !== undefined ? { learning: input.learning } : {}),
  });
  prompt(
    input.goals[0]?.id,
    input.goals.map((goal) => goal.id),
  );
  return prompt;
}

/** The window's two pages, each one compact line per entry; an empty page is left out. */
function journalPages(window: JournalWindow): string[] {
  return [window.earlier, window.current]
    .filter((page) => page.length > 0)
    .map((page) => page.map(journalEntryForPrompt).join("\n"));
}
