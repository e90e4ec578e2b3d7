// Installs small shell scripts as the operator's own allowlisted commands in a test state dir.
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes each script to `<state>/bin/<name>` (mode 755) and allowlists them as argument-less commands for `run`. */
export async function installCommands(
  stateDir: string,
  scripts: Record<string, string>,
  tools: string[] = ["run", "finish"],
): Promise<void> {
  const bin = path.join(stateDir, "bin");
  await mkdir(bin, { recursive: true });
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    await chmod(path.join(bin, name), 0o755);
  }
  const configFile = path.join(stateDir, "config.json");
  const config = JSON.parse(await readFile(configFile, "utf8")) as Record<string, Record<string, unknown>>;
  config.tools = {
    allowCommands: Object.keys(scripts),
    commandDirs: ["bin"],
    commandArgs: Object.fromEntries(Object.keys(scripts).map((name) => [name, 0])),
    enabled: tools,
  };
  await writeFile(configFile, JSON.stringify(config, null, 2));
}
