// Regression (issue 17, bug 4): a running daemon read config.json once, at start; an edit did nothing until a restart.
// Now a saved edit is applied (the log names the changed settings, a new schedule is re-armed at once), and a bad edit
// is logged with its line and column and told once in outbox/, while the daemon runs on; config.json is never moved.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

/** A schedule whose next slot is weeks to a year away: only a reschedule can bring a scheduled cycle within seconds. */
const FAR_SCHEDULE = "0 0 1 1 *";

async function editConfig(
  file: string,
  edit: (config: Record<string, Record<string, unknown>>) => void,
): Promise<void> {
  const config = JSON.parse(await readFile(file, "utf8")) as Record<string, Record<string, unknown>>;
  edit(config);
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
}

test("a running daemon applies a config edit from the next cycle, names the fields, and re-arms a new schedule", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { schedule: { cron: FAR_SCHEDULE, catchUp: false } } });
  t.after(cleanup);
  const file = path.join(dir, "config.json");
  const daemon = startCli(["start", "--state", dir]);
  try {
    await daemon.waitFor(/apprentice started on /, 30_000);
    await daemon.waitFor(/next scheduled wake: /, 10_000);
    await editConfig(file, (config) => {
      config.limits = { ...config.limits, maxSteps: 2 };
      config.schedule = { ...config.schedule, cron: "* * * * * *" };
    });
    const changed = await daemon.waitFor(/config\.json changed: [^\n]*/, 15_000);
    assert.match(changed, /schedule\.cron "0 0 1 1 \*" → "\* \* \* \* \* \*"/);
    assert.match(changed, /limits\.maxSteps 3 → 2/);
    assert.match(changed, /the schedule is re-armed: next scheduled wake /);
    // The new schedule fires within seconds, where the old one would have waited a year.
    await daemon.waitFor(/cycle starting: schedule/, 15_000);
  } finally {
    daemon.child.kill("SIGTERM");
    assert.equal(await daemon.exited, 0, daemon.output());
  }
});

test("an invalid config edit is logged with line and column, told once in outbox/, and the daemon runs on", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { schedule: { cron: FAR_SCHEDULE, catchUp: false } } });
  t.after(cleanup);
  const file = path.join(dir, "config.json");
  const good = await readFile(file, "utf8");
  // A missing comma after `"version": 1`, on line 2: the error is at the start of line 3.
  const bad = good.replace('"version": 1,', '"version": 1');
  assert.notEqual(bad, good);
  const daemon = startCli(["start", "--state", dir]);
  try {
    await daemon.waitFor(/apprentice started on /, 30_000);
    await writeFile(file, bad);
    const refused = await daemon.waitFor(/error config\.json not applied: [^\n]*/, 15_000);
    assert.match(refused, /is not valid JSON at line 3, column 3: expected ',' or '}' after property value/);
    assert.match(refused, /a ',' is missing at the end of line 2/);
    // The same bad content saved again is not told again; the watcher reports the save first.
    await writeFile(file, bad);
    await daemon.waitFor(/state input change: config\.json[\s\S]*state input change: config\.json/, 15_000);
    await writeFile(file, good.replace('"maxSteps": 3', '"maxSteps": 5'));
    await daemon.waitFor(/config\.json changed: limits\.maxSteps 3 → 5/, 15_000);
    assert.equal(daemon.output().match(/config\.json not applied/g)?.length, 1, daemon.output());
    const notes = (await readdir(path.join(dir, "outbox"))).filter((name) => name.endsWith("-config.md"));
    assert.equal(notes.length, 1, `one note in outbox/: ${notes.join(", ")}`);
    const note = await readFile(path.join(dir, "outbox", notes[0] ?? ""), "utf8");
    assert.match(note, /line 3, column 3/);
    assert.match(note, /keeps running on the config in force/);
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.startsWith("config.json")),
      ["config.json"],
      "config.json was never moved or copied aside",
    );
  } finally {
    daemon.child.kill("SIGTERM");
    assert.equal(await daemon.exited, 0, daemon.output());
  }
});
