// deploy/install.sh (strict bash) and deploy/apprentice-command.sh (POSIX sh) are executable scripts that shellcheck finds nothing in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { findOnPath, INSTALL_SH, REPO, run, skipLoudly } from "./helpers/deploy-fixture.js";

const COMMAND_SH = path.join(REPO, "deploy/apprentice-command.sh");

test("install.sh and the installed command are executable, start with the right shell, and are shellcheck-clean", async (t) => {
  const install = await readFile(INSTALL_SH, "utf8");
  assert.ok(install.startsWith("#!/usr/bin/env bash\n"));
  assert.match(install, /^set -euo pipefail$/m);
  assert.ok((await readFile(COMMAND_SH, "utf8")).startsWith("#!/bin/sh\n"));
  for (const [file, shell] of [[INSTALL_SH, "bash"], [COMMAND_SH, "sh"]] as const) {
    assert.equal((await stat(file)).mode & 0o111, 0o111, `${file} is executable`);
    const syntax = await run(shell, ["-n", file]);
    assert.equal(syntax.code, 0, syntax.stderr);
  }
  if (findOnPath("shellcheck") === undefined) {
    skipLoudly(t, "shellcheck not found: install Debian's shellcheck to lint deploy/install.sh and deploy/apprentice-command.sh");
    return;
  }
  const lint = await run("shellcheck", ["--severity=style", INSTALL_SH, COMMAND_SH]);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
});
