import { test } from "node:test";
import assert from "node:assert/strict";
import { makeStateDir } from "../support/state-fixture.js";
import { runCliSplit } from "./model-test-support.js";

interface Entry {
  id: string;
  quantization: string;
  uri: string;
  fileMB: number;
  kvMB: number;
  needMB: number;
  verdict: "fits" | "tight" | "too-big";
}
interface Board {
  ramMB: number;
  models: Entry[];
  suggestion: Entry | null;
}
interface RecommendJson extends Board {
  ramSource: string;
  contextSize: number;
  boards: Board[];
}

const RANK = { fits: 2, tight: 1, "too-big": 0 } as const;

test("model recommend --ram-mb gives verdicts that follow the sizes, for this RAM and for 1, 2, 4 and 8 GB boards", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const results = new Map<number, RecommendJson>();
  for (const ram of [1024, 2048, 4096, 8192]) {
    const run = await runCliSplit(["model", "recommend", "--json", "--ram-mb", String(ram), "--state", dir]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as RecommendJson;
    assert.equal(result.ramMB, ram);
    assert.equal(result.ramSource, "option");
    assert.deepEqual(
      result.boards.map((board) => board.ramMB),
      [1024, 2048, 4096, 8192],
    );
    assert.deepEqual(
      result.models,
      result.boards.find((board) => board.ramMB === ram)?.models,
      "this RAM is judged like the board table",
    );
    results.set(ram, result);
  }
  const boards = results.get(1024)?.boards ?? [];
  for (const board of boards) {
    for (const entry of board.models) {
      assert.ok(entry.needMB > entry.fileMB + entry.kvMB, `${entry.uri}: need includes a runtime reserve`);
      assert.match(entry.uri, /^hf:[^/]+\/[^/:]+-GGUF:(Q4_K_M|Q8_0)$/);
      if (entry.verdict !== "too-big") assert.ok(entry.needMB <= board.ramMB, `${entry.uri} at ${board.ramMB}`);
      else assert.ok(entry.needMB > board.ramMB, `${entry.uri} at ${board.ramMB}`);
      // A smaller need never gets a worse verdict on the same board.
      for (const other of board.models) {
        if (other.needMB <= entry.needMB)
          assert.ok(RANK[other.verdict] >= RANK[entry.verdict], `${other.uri} vs ${entry.uri} at ${board.ramMB}`);
      }
    }
    const q4 = board.models.filter((entry) => entry.quantization === "Q4_K_M");
    for (const small of q4) {
      const large = board.models.find((entry) => entry.id === small.id && entry.quantization === "Q8_0");
      assert.ok(large !== undefined && large.fileMB > small.fileMB, `${small.id}: Q8_0 is larger than Q4_K_M`);
      assert.ok(RANK[small.verdict] >= RANK[large.verdict], `${small.id}: Q4_K_M fits wherever Q8_0 does`);
    }
  }
  // More RAM never makes a file fit worse; 1 GB cannot take everything, 8 GB takes all.
  for (let index = 1; index < boards.length; index++) {
    for (const entry of boards[index]?.models ?? []) {
      const smaller = boards[index - 1]?.models.find((other) => other.uri === entry.uri);
      assert.ok(smaller !== undefined && RANK[entry.verdict] >= RANK[smaller.verdict], entry.uri);
    }
  }
  assert.ok(boards[0]?.models.some((entry) => entry.verdict === "too-big"));
  assert.ok(
    boards[0]?.models.some((entry) => entry.verdict === "fits"),
    "a 1 GB board gets at least one comfortable choice",
  );
  assert.ok(boards[3]?.models.every((entry) => entry.verdict === "fits"));
  for (const board of boards) assert.equal(board.suggestion?.verdict, "fits");
});

test("model recommend prints a table, a suggested pull command and the board matrix; a bad --ram-mb is refused", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const run = await runCliSplit(["model", "recommend", "--ram-mb", "2048", "--state", dir]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^2048 MB RAM \(--ram-mb\), context 2048 tokens\./m);
  assert.match(run.stdout, /Qwen2\.5 0\.5B Instruct +Q4_K_M +380 MB/);
  assert.match(run.stdout, /^ {2}apprentice model pull hf:\S+ --use$/m);
  assert.match(run.stdout, /^ {2}model +quant +1 GB +2 GB +4 GB +8 GB$/m);

  const board = await runCliSplit(["model", "recommend", "--json", "--state", dir]);
  assert.equal((JSON.parse(board.stdout) as RecommendJson).ramSource, "board");

  const bad = await runCliSplit(["model", "recommend", "--ram-mb", "lots", "--state", dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--ram-mb takes a whole number/);
  assert.equal(bad.stdout, "");
});
