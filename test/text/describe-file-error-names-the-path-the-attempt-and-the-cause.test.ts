// describeFileError: one line for a file error the operator fixes, `cannot <what> <path>: <cause>`, naming a durable
// write's target rather than its temp file, and the blocking parent when one was found; other errors are not file errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeFileError, readFileErrorFacts } from "../../src/text/describe-file-error.js";

function errnoError(fields: { code: string; syscall?: string; path?: string; dest?: string }): Error {
  return Object.assign(new Error(`${fields.code}: something, ${fields.syscall ?? ""}`), fields);
}

function describe(error: unknown): string | undefined {
  const facts = readFileErrorFacts(error);
  return facts === undefined ? undefined : describeFileError(facts);
}

test("a read-only filesystem, a permission, a full disk and a missing file are named with the path and the attempt", () => {
  assert.equal(
    describe(errnoError({ code: "EROFS", syscall: "mkdir", path: "/mnt/ro/state" })),
    "cannot create the folder /mnt/ro/state: the filesystem is read-only",
  );
  assert.equal(
    describe(errnoError({ code: "EACCES", syscall: "open", path: "/srv/state/config.json" })),
    "cannot open /srv/state/config.json: permission denied",
  );
  assert.equal(
    describe(errnoError({ code: "ENOSPC", syscall: "write", path: "/srv/state/db.json" })),
    "cannot write /srv/state/db.json: no space left on the device",
  );
  assert.equal(
    describe(errnoError({ code: "ENOENT", syscall: "scandir", path: "/srv/gone" })),
    "cannot list the folder /srv/gone: no such file or folder",
  );
  assert.equal(
    describe(errnoError({ code: "EEXIST", syscall: "rename", path: "/a/one", dest: "/a/two" })),
    "cannot rename /a/one to /a/two: something is already there",
  );
});

test("a durable write's temp file is named by the file it was to replace", () => {
  assert.equal(
    describe(
      errnoError({ code: "EROFS", syscall: "open", path: "/s/inbox/.2026-01-01T00-00-00-000Z-7.md.a1fde8ee.tmp" }),
    ),
    "cannot write /s/inbox/2026-01-01T00-00-00-000Z-7.md: the filesystem is read-only",
  );
});

test("a blocking parent is named: a file in the way of a folder, a read-only or unwritable folder", () => {
  const facts = readFileErrorFacts(errnoError({ code: "ENOENT", syscall: "mkdir", path: "/mnt/ro/new" }));
  assert.ok(facts);
  assert.equal(
    describeFileError({ ...facts, blocker: { path: "/mnt/ro", code: "EROFS" } }),
    "cannot create the folder /mnt/ro/new: /mnt/ro is on a read-only filesystem",
  );
  assert.equal(
    describeFileError({ ...facts, blocker: { path: "/mnt/ro", code: "EACCES" } }),
    "cannot create the folder /mnt/ro/new: /mnt/ro cannot be written by this user (permission denied)",
  );
  assert.equal(
    describeFileError({ ...facts, code: "ENOTDIR", blocker: { path: "/mnt", code: "ENOTDIR" } }),
    "cannot create the folder /mnt/ro/new: /mnt is a file, not a folder",
  );
});

test("a relative path is made absolute; errors without a path or with another code are not file errors", () => {
  assert.equal(
    readFileErrorFacts(errnoError({ code: "ENOTDIR", syscall: "stat", path: "afile/x" }))?.path,
    `${process.cwd()}/afile/x`,
  );
  assert.equal(describe(errnoError({ code: "EROFS", syscall: "read" })), undefined, "no path");
  assert.equal(describe(errnoError({ code: "ECONNREFUSED", syscall: "connect", path: "/run/x.sock" })), undefined);
  assert.equal(describe(new TypeError("x is not a function")), undefined);
  assert.equal(describe({ code: "EROFS", path: "/x" }), undefined, "not an Error");
});
