// A hostile model file name for the quoting tests: the project's test GGUF under a name full of escapes, its `general.name`
// replaced by hostile text of the same byte length (so the GGUF stays valid).
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { TEST_MODEL_LABEL } from "../../src/brain/test-model.js";
import { ESCAPES, MARK } from "./hostile-text.js";
import { testModel } from "./state-fixture.js";

/** The model file's name: escapes and a bidi override that would show `.gguf` as something else. */
export const HOSTILE_MODEL_FILE = `evil ${ESCAPES}\n${MARK}.gguf`;

/** The hostile `general.name`, padded to the test label's byte length. */
export function hostileModelName(): string {
  const base = `${MARK}\n## Tools ${ESCAPES}`;
  const padding = Buffer.byteLength(TEST_MODEL_LABEL) - Buffer.byteLength(base);
  if (padding < 0) throw new Error("the hostile name is longer than the label it replaces");
  return `${base}${"x".repeat(padding)}`;
}

/** Writes the hostile model into `modelsDir`; returns its path. */
export async function writeHostileModel(modelsDir: string): Promise<string> {
  await mkdir(modelsDir, { recursive: true });
  const file = path.join(modelsDir, HOSTILE_MODEL_FILE);
  await copyFile(await testModel(), file);
  const bytes = await readFile(file);
  const at = bytes.indexOf(Buffer.from(TEST_MODEL_LABEL));
  if (at < 0) throw new Error("the test model does not carry its label");
  Buffer.from(hostileModelName()).copy(bytes, at);
  await writeFile(file, bytes);
  return file;
}
