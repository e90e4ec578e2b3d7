// What the ledger of a cycle's records touches: the db, the episodes log, the state dir, the clock, the logger, and the event stream it records from and tells of each record on.
import type { CycleDeps } from "../cycle/cycle-deps.js";

/** The part of {@link CycleDeps} the ledger writes through. */
export type LedgerDeps = Pick<CycleDeps, "paths" | "config" | "db" | "episodes" | "clock" | "logger" | "events">;
