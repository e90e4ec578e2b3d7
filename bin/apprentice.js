#!/usr/bin/env node
// Entry point of the `apprentice` command: runs the compiled CLI (built by `npm install` through the prepare script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));
if (!existsSync(main)) {
  process.stderr.write("apprentice: the compiled CLI is missing (dist/). Run `npm install` or `npm run build` in the project folder.\n");
  process.exit(2);
}
await import(main);
