import { test } from "node:test";
import assert from "node:assert/strict";
import { CycleEvents, type CycleEvent } from "../../src/events/cycle-events.js";

const loaded: CycleEvent = { type: "model-loaded", cycle: 3, loadMs: 120 };
const unloaded: CycleEvent = { type: "model-unloaded", cycle: 3 };

test("listeners hear every event in subscription order, a first listener before the others, and each is awaited", async () => {
  const events = new CycleEvents();
  const heard: string[] = [];
  events.subscribe(async (event) => {
    // A slow listener still finishes before the next one starts.
    await new Promise((resolve) => setTimeout(resolve, 20));
    heard.push(`slow ${event.type}`);
  });
  events.subscribe((event) => void heard.push(`plain ${event.type}`));
  events.subscribe((event) => void heard.push(`first ${event.type}`), { first: true });
  await events.emit(loaded);
  await events.emit(unloaded);
  assert.deepEqual(heard, [
    "first model-loaded",
    "slow model-loaded",
    "plain model-loaded",
    "first model-unloaded",
    "slow model-unloaded",
    "plain model-unloaded",
  ]);
});

test("an unsubscribed listener hears nothing more, and the others go on hearing", async () => {
  const events = new CycleEvents();
  const heard: CycleEvent[] = [];
  const kept: CycleEvent[] = [];
  const stop = events.subscribe((event) => void heard.push(event));
  events.subscribe((event) => void kept.push(event));
  assert.equal(events.listenerCount, 2);
  await events.emit(loaded);
  stop();
  assert.equal(events.listenerCount, 1);
  await events.emit(unloaded);
  assert.deepEqual(heard, [loaded]);
  assert.deepEqual(kept, [loaded, unloaded]);
});

test("a listener's throw stops the emit and reaches the emitter (a ledger that cannot write fails the cycle)", async () => {
  const events = new CycleEvents();
  const after: CycleEvent[] = [];
  events.subscribe(async () => {
    throw new Error("disk full");
  });
  events.subscribe((event) => void after.push(event));
  await assert.rejects(events.emit(loaded), /disk full/);
  assert.deepEqual(after, [], "no listener after the one that threw heard of an event that was not recorded");
});
