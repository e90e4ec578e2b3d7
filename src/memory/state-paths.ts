// The layout of a state directory: every file and folder the daemon reads or writes, as absolute paths, in one place.
import path from "node:path";

/** Absolute paths of everything in a state directory. See the state-dir README for what each one is. */
export interface StatePaths {
  /** The state directory itself. */
  root: string;
  /** `charter.md`: who the agent is (operator). */
  charter: string;
  /** `goals.yaml`: goals and their checks (operator). */
  goals: string;
  /** `config.json`: model, schedule, limits (operator). */
  config: string;
  /** `inbox/`: messages (world content, whoever wrote them: never applied, always quoted). */
  inbox: string;
  /** `inbox/.processed/`: inbox files already taken in. */
  inboxProcessed: string;
  /** `operator/`: the operator's requests (lessons, lesson changes); believed only when the OS vouches for the writer. */
  operator: string;
  /** `operator/.processed/`: requests already applied. */
  operatorProcessed: string;
  /** `operator/.refused/`: files the channel refused (wrong owner, mode, links, name or size), kept for the operator. */
  operatorRefused: string;
  /** `outbox/`: messages to the operator. */
  outbox: string;
  /** `journal/`: one Markdown file per day. */
  journal: string;
  /** `lessons.md`: read-only rendered view of lessons and skills. */
  lessons: string;
  /** `db.json`: skills, goal progress, situations, cycle index (everything of the db but the lessons). */
  db: string;
  /** `lessons.json`: the lessons (the db's biggest part, rewritten only when they change). */
  lessonsData: string;
  /** `cycle.json`: the marker of a cycle in progress; present only while one runs or after one was cut off. */
  cycleMarker: string;
  /** `episodes.jsonl`: append-only action log. */
  episodes: string;
  /** `workspace/`: the sandbox tools act in. */
  workspace: string;
  /** `models/`: GGUF files. */
  models: string;
  /** `daemon.lock`: one writer per state dir. */
  lock: string;
  /** `README.md`: explains the state dir. */
  readme: string;
  /** `.cache/`: disposable derived data. */
  cache: string;
  /** `.history/`: the git dir of the state's history (one commit per cycle); the state dir is its work tree. */
  history: string;
}

/** Returns the absolute paths inside `stateDir` (resolved against the working directory if relative). */
export function statePaths(stateDir: string): StatePaths {
  const root = path.resolve(stateDir);
  const at = (...parts: string[]): string => path.join(root, ...parts);
  return {
    root,
    charter: at("charter.md"),
    goals: at("goals.yaml"),
    config: at("config.json"),
    inbox: at("inbox"),
    inboxProcessed: at("inbox", ".processed"),
    operator: at("operator"),
    operatorProcessed: at("operator", ".processed"),
    operatorRefused: at("operator", ".refused"),
    outbox: at("outbox"),
    journal: at("journal"),
    db: at("db.json"),
    lessonsData: at("lessons.json"),
    cycleMarker: at("cycle.json"),
    lessons: at("lessons.md"),
    episodes: at("episodes.jsonl"),
    workspace: at("workspace"),
    models: at("models"),
    lock: at("daemon.lock"),
    readme: at("README.md"),
    cache: at(".cache"),
    history: at(".history"),
  };
}
