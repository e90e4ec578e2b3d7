// Every job template's script is executable, parses as POSIX sh (dash, the /bin/sh of Debian and Raspberry Pi OS) and is shellcheck-clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { JOB_TEMPLATES_DIR, listJobTemplateFiles, listJobTemplates } from "../../src/daemon/job-templates.js";
import { findOnPath, run, skipLoudly } from "../deploy/helpers/deploy-fixture.js";

test("the job templates' scripts are executable POSIX sh that shellcheck finds nothing in", async (t) => {
  const scripts: string[] = [];
  for (const name of await listJobTemplates()) {
    const dir = path.join(JOB_TEMPLATES_DIR, name);
    for (const file of await listJobTemplateFiles(dir)) {
      if (!file.executable) continue;
      const script = path.join(dir, file.relativePath);
      assert.ok((await readFile(script, "utf8")).startsWith("#!/bin/sh\n"), `${script} starts with #!/bin/sh`);
      const syntax = await run("dash", ["-n", script]);
      assert.equal(syntax.code, 0, syntax.stderr);
      scripts.push(script);
    }
  }
  assert.equal(scripts.length, 4, scripts.join(", "));
  if (findOnPath("shellcheck") === undefined) {
    skipLoudly(t, "shellcheck not found: install Debian's shellcheck to lint the job templates' scripts");
    return;
  }
  const lint = await run("shellcheck", ["-x", "--source-path=SCRIPTDIR", "--severity=style", ...scripts]);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
});
