// Keeps the state dir's logs within the configured sizes after a cycle: episodes.jsonl, the journal and the history.
import type { Config } from "../config.js";
import { pruneHistory } from "../history/state-history.js";
import type { LearningData } from "../learning/types.js";
import type { EpisodeLog } from "../memory/episodes.js";
import { trimJournal } from "../memory/journal.js";
import type { StatePaths } from "../memory/state-paths.js";

/** The journal's day files are counted every this many cycles: with a year of days that is hundreds of stats. */
const JOURNAL_TRIM_EVERY_CYCLES = 20;
/** History is counted at most every this many cycles (a walk of up to 1.5 × `keepEntries` commits). */
const HISTORY_PRUNE_EVERY_CYCLES = 100;

const MB = 1024 * 1024;

/**
 * Episode ids that something in memory still cites: lesson and skill evidence, and the outcomes of each situation.
 * Trimming keeps those lines, so `lessons show` can always print a lesson's evidence.
 */
export function citedEpisodeIds(learning: LearningData): Set<string> {
  const ids = new Set<string>();
  for (const lesson of learning.lessons) for (const id of lesson.evidence) ids.add(id);
  for (const skill of learning.skills) for (const id of skill.evidence) ids.add(id);
  for (const situation of Object.values(learning.situations))
    for (const outcome of situation.outcomes) ids.add(outcome.episodeId);
  return ids;
}

/**
 * After cycle `cycle` was recorded: cuts episodes.jsonl past `retention.episodesMaxMB` (every cycle: it is one
 * stat), trims the journal by age and size (every {@link JOURNAL_TRIM_EVERY_CYCLES} cycles), and prunes the history
 * to `history.keepEntries` (checked every `min(100, keepEntries / 2)` cycles). Returns one line per thing it did,
 * for the log. Failures are the caller's to report; none of this may cost the cycle.
 */
export async function applyRetention(input: {
  cycle: number;
  config: Config;
  paths: StatePaths;
  learning: LearningData;
  episodes: EpisodeLog;
  now: Date;
}): Promise<string[]> {
  const { cycle, config, paths } = input;
  const done: string[] = [];
  const episodes = await input.episodes.trim(config.retention.episodesMaxMB * MB, () =>
    citedEpisodeIds(input.learning),
  );
  if (episodes !== undefined) {
    done.push(
      `episodes.jsonl cut from ${formatMB(episodes.beforeBytes)} to ${formatMB(episodes.afterBytes)} (kept ${episodes.keptCited} older cited episodes)`,
    );
  }
  if (cycle % JOURNAL_TRIM_EVERY_CYCLES === 0) {
    const journal = await trimJournal(paths.journal, {
      maxBytes: config.retention.journalMaxMB * MB,
      keepDays: config.retention.journalDays,
      now: input.now,
    });
    if (journal.removed.length > 0)
      done.push(
        `journal: removed ${journal.removed.length} old day files (${journal.removed[0]}${journal.removed.length > 1 ? ` … ${journal.removed.at(-1)}` : ""})`,
      );
    if (journal.cutEntries > 0) done.push(`journal: cut the ${journal.cutEntries} oldest entries of today's file`);
  }
  if (config.history.enabled && cycle % historyPruneInterval(config.history.keepEntries) === 0) {
    const pruned = await pruneHistory(paths, config.history.keepEntries);
    if (pruned !== undefined)
      done.push(`history: kept the newest ${pruned.kept} entries, deleted ${pruned.deletedObjects} objects`);
  }
  return done;
}

/** How often the history is counted: often enough that it never holds more than about 1.5 × `keepEntries` + 100. */
export function historyPruneInterval(keepEntries: number): number {
  return Math.max(1, Math.min(HISTORY_PRUNE_EVERY_CYCLES, Math.floor(keepEntries / 2)));
}

function formatMB(bytes: number): string {
  return `${(bytes / MB).toFixed(2)} MB`;
}
