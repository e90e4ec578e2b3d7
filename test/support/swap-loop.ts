// A race partner for tests: exchanges two directory entries by renames on every turn of the event loop.
import { renameSync } from "node:fs";

/**
 * Starts exchanging `target` and `other` (through the free name `parked`) between every await of the code under test,
 * so a check made on one of them meets the other at the next step. `stop()` ends the loop and returns how many
 * exchanges were made; both entries are then in one of the two states, never missing.
 */
export function startSwapping(target: string, other: string, parked: string): { stop(): number } {
  let swaps = 0;
  let running = true;
  const swap = (): void => {
    if (!running) return;
    renameSync(target, parked);
    renameSync(other, target);
    renameSync(parked, other);
    swaps++;
    setImmediate(swap);
  };
  setImmediate(swap);
  return {
    stop: () => {
      running = false;
      return swaps;
    },
  };
}
