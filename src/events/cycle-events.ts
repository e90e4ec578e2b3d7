// The stream a cycle's events go through: emitters await every listener in turn, so a listener that records (the ledger) has written before the cycle goes on, and its failure is the cycle's.
import type { CycleEvent } from "./cycle-event.js";

export type { CycleEvent, CycleEventOf, CycleEventType } from "./cycle-event.js";

/** Takes one event; a returned promise is awaited before the next listener and before the emitter goes on. */
export type CycleEventListener = (event: CycleEvent) => void | Promise<void>;

/**
 * One typed stream of {@link CycleEvent}s. Listeners run in order, one at a time, on every event; a listener that
 * throws stops the emit and the throw reaches the emitter. So a listener that only observes (a progress line, the
 * event feed) catches its own trouble, and one that records (the ledger) fails the cycle as a failed write would.
 */
export class CycleEvents {
  #listeners: CycleEventListener[] = [];

  /**
   * Adds `listener` (at the front with `first`: the ledger records an event before anyone is told of it). Returns the
   * function that removes it.
   */
  subscribe(listener: CycleEventListener, options: { first?: boolean } = {}): () => void {
    if (options.first === true) this.#listeners.unshift(listener);
    else this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((each) => each !== listener);
    };
  }

  /** Hands `event` to every listener subscribed now, in order. */
  async emit(event: CycleEvent): Promise<void> {
    for (const listener of [...this.#listeners]) await listener(event);
  }

  /** How many listeners are subscribed (a cycle's own leave when it ends). */
  get listenerCount(): number {
    return this.#listeners.length;
  }
}
