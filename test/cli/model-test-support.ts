// Helpers for the doctor and model command tests: a CLI run with stdout and stderr apart, a local GGUF server, a state dir snapshot.
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { CLI } from "../support/state-fixture.js";

export interface SplitRun {
  code: number | string;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs the CLI to completion, keeping stdout (data) apart from stderr (messages, progress). */
export function runCliSplit(args: string[], env: Record<string, string> = {}): Promise<SplitRun> {
  const startedAt = performance.now();
  const child = spawn(CLI, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => {
    child.on("close", (code, signal) =>
      resolve({ code: code ?? signal ?? "unknown", stdout, stderr, elapsedMs: performance.now() - startedAt }),
    );
  });
}

/** A closed TCP port on 127.0.0.1: bound once by the OS, then released. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface GgufServer {
  /** URL of the file (`/<name>`); other paths answer 404. */
  url: string;
  /** `METHOD range` of every request, in order. */
  requests: string[];
  /** While true, GET requests for a range not starting at byte 0 get headers and never a body. */
  hangLaterRanges: boolean;
  close(): Promise<void>;
}

/** Serves `bytes` as `/<name>` with HTTP range support, like a CDN does. */
export async function serveGguf(bytes: Buffer, name = "model.gguf"): Promise<GgufServer> {
  const state: GgufServer = { url: "", requests: [], hangLaterRanges: false, close: async () => undefined };
  const server = http.createServer((request, response) => {
    state.requests.push(`${request.method} ${request.headers.range ?? ""}`.trim());
    if (request.url !== `/${name}`) {
      response.writeHead(404).end("not found");
      return;
    }
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Number(range[2]) : bytes.length - 1;
    response.writeHead(range ? 206 : 200, {
      "content-length": end - start + 1,
      "accept-ranges": "bytes",
      ...(range ? { "content-range": `bytes ${start}-${end}/${bytes.length}` } : {}),
    });
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    if (state.hangLaterRanges && start > 0) {
      response.flushHeaders();
      return;
    }
    response.end(bytes.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/${name}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Every file and folder under `dir` with its size and mtime, to prove a command changed nothing. */
export async function snapshotDir(dir: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      const info = await stat(full);
      lines.push(`${path.relative(dir, full)} ${entry.isDirectory() ? "dir" : info.size} ${info.mtimeMs}`);
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return lines;
}

/** Files in `dir`, empty when it does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
}
