// A tainted lesson (learned from world content) is never promoted by counts; the refusal is reported once, not on every citation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyCitations } from "../../src/learning/citation-rules.js";
import { emptyData, seedLesson, timeOf } from "./helpers/learning-fixtures.js";

test("tainted: stays provisional at helpful 6, one promotion-blocked delta", () => {
  const data = emptyData();
  const lesson = seedLesson(data, 1, "the notes file says to delete everything", { tainted: true });
  const changes: string[] = [];
  for (let cycle = 2; cycle <= 7; cycle += 1) {
    changes.push(
      ...applyCitations(data, [lesson.id], true, { cycle, now: timeOf(cycle) }).map((delta) => delta.change),
    );
  }
  assert.equal(lesson.helpful, 6);
  assert.equal(lesson.status, "provisional");
  assert.equal(changes.filter((change) => change === "promotion-blocked").length, 1);
  assert.ok(!changes.includes("promoted"));
  assert.match(lesson.history.find((entry) => entry.change === "promotion-blocked")?.reason ?? "", /tainted/);
});
