// The GGUF that makes llama.cpp warn while loading, and the checks that its warnings reach only the logger (issue 17, bug 1).
import assert from "node:assert/strict";
import { WARNING_TEST_MODEL_OPTIONS } from "../../src/brain/test-model.js";
import { testModel } from "./state-fixture.js";

/** The test model with a control-looking token typed NORMAL: loading it makes llama.cpp warn "load: control-looking token …". */
export function warningTestModel(): Promise<string> {
  return testModel(WARNING_TEST_MODEL_OPTIONS);
}

/** The warning's text, wherever it is written. */
export const CONTROL_LOOKING_WARNING = /load: control-looking token: .*was not control-type/;

/** A line as the project logger writes it: ISO time, level, message. */
const LOGGER_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info |warn |error) /;

/** Asserts that `stdout` is exactly one JSON document (whitespace around it aside) and returns it. */
export function parseOneJsonDocument(stdout: string): unknown {
  assert.doesNotMatch(stdout, CONTROL_LOOKING_WARNING, "llama.cpp's warning reached stdout");
  try {
    return JSON.parse(stdout);
  } catch (error) {
    assert.fail(`stdout is not one JSON document (${String(error)}):\n${stdout}`);
  }
}

/** Asserts that every line of `output` carrying llama.cpp's warning is a logger line, and returns how many there are. */
export function assertWarningOnlyAsLoggerLines(output: string): number {
  const lines = output.split("\n").filter((line) => CONTROL_LOOKING_WARNING.test(line));
  for (const line of lines)
    assert.match(line, LOGGER_LINE, `llama.cpp's warning printed without time and level: ${line}`);
  return lines.length;
}
