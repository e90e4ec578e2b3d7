// A small, valid operator scenario file (the README's example in spirit) and a temp folder to write variants of it in.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** A complete scenario whose `name` differs from any file name the tests give it. */
export const OPERATOR_SCENARIO = [
  "name: greeting",
  "description: One goal, one right command and one decoy.",
  "cycles: 3",
  "tools: [run, finish]",
  "charter: |",
  "  # Charter",
  "  Meet the due goal; its check decides.",
  "commands:",
  "  say-hello: |",
  "    #!/bin/sh",
  "    echo hello > greet.txt",
  "  say-bye: |",
  "    #!/bin/sh",
  "    echo bye > greet.txt",
  "goals:",
  "  - id: greet",
  "    title: Put hello in greet.txt.",
  '    check: "grep -qx hello greet.txt"',
  "perturbations:",
  "  - kind: reset-workspace",
  "keyAction: { tool: run, command: say-hello }",
  "",
].join("\n");

/** A temp folder for scenario files; `write(name, text)` returns the file's path. */
export async function scenarioFolder(): Promise<{
  dir: string;
  write: (name: string, text: string) => Promise<string>;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-scenario-file-"));
  return {
    dir,
    write: async (name, text) => {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
