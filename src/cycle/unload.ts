// The unload stage: the model's session is disposed as soon as the cycle needs it no more (before the checks and the record), so its memory goes back to the board.
import type { BrainSession } from "../brain/brain.js";
import type { CycleDeps } from "./cycle-deps.js";

/** Disposes `session` (none when the model was never loaded) and emits `model-unloaded` for cycle `cycle`. */
export async function unload(
  deps: Pick<CycleDeps, "events">,
  cycle: number,
  session: BrainSession | undefined,
): Promise<void> {
  if (session === undefined) return;
  await session.dispose();
  await deps.events.emit({ type: "model-unloaded", cycle });
}
