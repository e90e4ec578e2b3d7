// Downloads a GGUF with node-llama-cpp's downloader, after a quick reachability probe so an offline board fails at once; outcomes are data.
import { mkdir, open, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { ModelDownloader } from "node-llama-cpp";
import { fsyncDir } from "../memory/durable-write.js";
import { inspectGgufFile } from "./model-inspect.js";
import { describeError } from "../text/describe-error.js";

/** Hugging Face's default endpoint, as node-llama-cpp resolves `hf:` URIs. */
export const DEFAULT_HUGGING_FACE_ENDPOINT = "https://huggingface.co/";

/** How long a stopped download may take to wind down before the pull reports and leaves it. */
const CANCEL_GRACE_MS = 3000;

/** Suffix of the file the downloader writes until it is complete; rerunning the same pull resumes from it. */
export const PARTIAL_SUFFIX = ".ipull";

/** Download progress, in bytes. */
export interface PullProgress {
  downloadedBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
}

export interface PullOptions {
  /** `https://…/file.gguf`, `hf:<user>/<repo>:<quant>` or `hf:<user>/<repo>/<file>.gguf`. */
  uri: string;
  /** Where the file goes (created if missing). */
  modelsDir: string;
  /** Endpoint for `hf:` URIs. Defaults to {@link DEFAULT_HUGGING_FACE_ENDPOINT}. */
  huggingFaceEndpoint?: string;
  /** How long the reachability probe waits for any answer. Defaults to `5000`. */
  probeTimeoutMs?: number;
  /** How long resolving the URI and the file's size may take once the host answered. Defaults to `30000`. */
  resolveTimeoutMs?: number;
  /** A download that receives nothing for this long is stopped (its partial file kept for resuming). Defaults to `60000`. */
  stallTimeoutMs?: number;
  onProgress?: (progress: PullProgress) => void;
  /** Aborting stops the download and keeps the partial file for resuming. */
  signal?: AbortSignal;
}

export type PullResult =
  | {
      status: "pulled";
      /** File name inside `modelsDir`. */
      file: string;
      path: string;
      sizeBytes: number;
      /** The complete file was already there; nothing was downloaded. */
      alreadyPresent: boolean;
    }
  | {
      status: "failed";
      /**
       * `unreachable`: no answer from the host (offline, DNS, refused, timeout); `not-found` / `denied`: the host answered
       * 404 or 401/403; `bad-uri`: not a URI the downloader takes; `stalled` / `interrupted`: stopped mid-way, resumable;
       * `not-gguf`: the file arrived but is not a usable GGUF; `error`: anything else.
       */
      reason: "unreachable" | "not-found" | "denied" | "bad-uri" | "stalled" | "interrupted" | "not-gguf" | "error";
      detail: string;
      /** The host that was tried, for `unreachable`. */
      host?: string;
      /** A partial download kept for resuming. */
      partialPath?: string;
      /**
       * The downloader may still be retrying in the background (its library retries connection errors for minutes and
       * offers no way to cancel before it resolves); a command should exit rather than wait for it.
       */
      lingering?: boolean;
    };

type Failure = Extract<PullResult, { status: "failed" }>;

/** Pulls `options.uri` into `options.modelsDir`. Never throws for network, URI or file trouble. */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const target = parseTarget(options.uri, options.huggingFaceEndpoint ?? DEFAULT_HUGGING_FACE_ENDPOINT);
  if (!target.ok) return target.failure;
  const probe = await probeHost(target.probeUrl, options.probeTimeoutMs ?? 5000, target.judgeStatus);
  if (probe !== undefined) return probe;

  await mkdir(options.modelsDir, { recursive: true });
  const created = await resolveDownloader(options, target.probeUrl.host);
  if (!created.ok) return created.failure;
  const downloader = created.downloader;
  const finalPath = downloader.entrypointFilePath;
  const before = await stat(finalPath).catch(() => undefined);
  const alreadyPresent =
    before !== undefined && before.isFile() && before.size === downloader.totalSize && downloader.totalSize > 0;

  const stopped = await runDownload(downloader, options);
  if (stopped !== undefined) return stopped;

  await syncFile(finalPath);
  const inspection = await inspectGgufFile(finalPath);
  if (!inspection.ok) {
    // Only a file this pull wrote is removed: an operator's own file of the same name stays.
    if (!alreadyPresent) await rm(finalPath, { force: true });
    return {
      status: "failed",
      reason: "not-gguf",
      detail: `${inspection.detail}${alreadyPresent ? "" : "; it was removed"}`,
    };
  }
  return {
    status: "pulled",
    file: path.basename(finalPath),
    path: finalPath,
    sizeBytes: inspection.summary.sizeBytes,
    alreadyPresent,
  };
}

type Target = { ok: true; probeUrl: URL; judgeStatus: boolean } | { ok: false; failure: Failure };

function parseTarget(uri: string, endpoint: string): Target {
  if (uri.startsWith("hf:")) {
    if (!/^hf:[^/\s]+\/[^/\s:]+/.test(uri)) {
      return {
        ok: false,
        failure: { status: "failed", reason: "bad-uri", detail: `${uri} is not of the form hf:<user>/<repo>:<quant>` },
      };
    }
    // The endpoint's front page only proves that the host answers; the URI itself is resolved by the downloader.
    return { ok: true, probeUrl: new URL(endpoint), judgeStatus: false };
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch (error) {
    return {
      ok: false,
      failure: {
        status: "failed",
        reason: "bad-uri",
        detail: `${uri} is not a URL or hf: URI (${describeError(error)})`,
      },
    };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return {
      ok: false,
      failure: {
        status: "failed",
        reason: "bad-uri",
        detail: `${uri}: only https://, http:// and hf: URIs can be pulled`,
      },
    };
  }
  return { ok: true, probeUrl: url, judgeStatus: true };
}

/**
 * One HEAD request with a short timeout, redirects not followed (signed CDN URLs often refuse HEAD). Any answer means
 * the network works; for a direct URL a 404 or 401/403 is final too. The downloader itself retries a refused
 * connection for minutes, which is why this comes first.
 */
async function probeHost(url: URL, timeoutMs: number, judgeStatus: boolean): Promise<Failure | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const detail = describeNetworkError(error, timeoutMs);
    // fetch refuses a short list of ports (9, 25, 6000 …) before connecting; ipull fetches the same way.
    if (detail === "bad port")
      return {
        status: "failed",
        reason: "unreachable",
        host: url.host,
        detail: `port ${url.port} is one that fetch refuses to connect to`,
      };
    return { status: "failed", reason: "unreachable", host: url.host, detail };
  }
  await response.body?.cancel();
  if (!judgeStatus) return undefined;
  if (response.status === 404 || response.status === 410) {
    return {
      status: "failed",
      reason: "not-found",
      detail: `${url.host} answered ${response.status}: there is no file at ${url.href}`,
    };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      status: "failed",
      reason: "denied",
      detail: `${url.host} answered ${response.status} for ${url.href}: the file needs an access token or an accepted license`,
    };
  }
  return undefined;
}

async function resolveDownloader(
  options: PullOptions,
  host: string,
): Promise<{ ok: true; downloader: ModelDownloader } | { ok: false; failure: Failure }> {
  const timeoutMs = options.resolveTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<"timeout" | "aborted">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
    onAbort = () => resolve("aborted");
    if (options.signal?.aborted) resolve("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const { createModelDownloader } = await import("node-llama-cpp");
    const created = createModelDownloader({
      modelUri: options.uri,
      dirPath: options.modelsDir,
      // Kept on cancel so that running the same pull again resumes where it stopped.
      deleteTempFileOnCancel: false,
      skipExisting: true,
      parallelDownloads: 1,
      ...(options.huggingFaceEndpoint !== undefined ? { endpoints: { huggingFace: options.huggingFaceEndpoint } } : {}),
      ...(options.onProgress !== undefined ? { onProgress: progressAdapter(options.onProgress) } : {}),
    });
    const outcome = await Promise.race([created, stop]);
    if (outcome === "timeout") {
      const detail = `the download did not start within ${Math.round(timeoutMs / 1000)} s`;
      return { ok: false, failure: { status: "failed", reason: "unreachable", host, detail, lingering: true } };
    }
    if (outcome === "aborted") {
      return {
        ok: false,
        failure: {
          status: "failed",
          reason: "interrupted",
          detail: "stopped before the download started",
          lingering: true,
        },
      };
    }
    return { ok: true, downloader: outcome };
  } catch (error) {
    return { ok: false, failure: classifyResolveError(describeError(error), host) };
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) options.signal?.removeEventListener("abort", onAbort);
  }
}

/** node-llama-cpp reports URI resolution trouble as plain messages; these are the ones it writes. */
function classifyResolveError(detail: string, host: string): Failure {
  if (/Cannot get quantization|does not exist|\b404\b/.test(detail))
    return { status: "failed", reason: "not-found", detail };
  if (/\b(401|403)\b/.test(detail)) return { status: "failed", reason: "denied", detail };
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT/.test(detail))
    return { status: "failed", reason: "unreachable", host, detail };
  return { status: "failed", reason: "error", detail };
}

/** Downloads, stopping on the caller's signal or when nothing arrives for the stall timeout. */
async function runDownload(downloader: ModelDownloader, options: PullOptions): Promise<Failure | undefined> {
  const stallMs = options.stallTimeoutMs ?? 60_000;
  const controller = new AbortController();
  let lastBytes = downloader.downloadedSize;
  let lastChangeAt = performance.now();
  let stalled = false;
  const watchdog = setInterval(() => {
    const bytes = downloader.downloadedSize;
    if (bytes !== lastBytes) {
      lastBytes = bytes;
      lastChangeAt = performance.now();
    } else if (performance.now() - lastChangeAt >= stallMs) {
      stalled = true;
      controller.abort(new Error("stalled"));
    }
  }, 1000);
  const onCallerAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  let failure: unknown;
  let lingering = false;
  // A cancelled download resolves rather than rejects, so the signal, not the outcome, says whether it finished.
  const downloading = downloader.download({ signal: controller.signal });
  // Recorded for the report if it ends in an error after the pull stopped waiting for it.
  const settled = downloading.then(
    () => "done" as const,
    (error: unknown) => {
      failure = error;
      return "done" as const;
    },
  );
  try {
    // The downloader cannot abort a request still waiting for its response headers, so a cancel can hang forever.
    const outcome = await Promise.race([settled, afterAbort(controller.signal, CANCEL_GRACE_MS)]);
    lingering = outcome === "abandoned";
  } finally {
    clearInterval(watchdog);
    options.signal?.removeEventListener("abort", onCallerAbort);
  }
  if (!controller.signal.aborted && failure === undefined) {
    const complete = await stat(downloader.entrypointFilePath).then(
      (info) => info.isFile(),
      () => false,
    );
    if (complete) return undefined;
    failure = new Error(`the download ended without writing ${downloader.entrypointFilePath}`);
  }
  // The downloader writes whole chunks of a few MB; a stop before the first one leaves an empty file or none.
  const partialPath = `${downloader.entrypointFilePath}${PARTIAL_SUFFIX}`;
  const kept = await stat(partialPath).then(
    (info) => info.size > 0,
    () => false,
  );
  if (!kept) await rm(partialPath, { force: true });
  const resume = kept ? { partialPath } : {};
  const extra = { ...resume, ...(lingering ? { lingering } : {}) };
  if (stalled)
    return {
      status: "failed",
      reason: "stalled",
      detail: `nothing arrived for ${Math.round(stallMs / 1000)} s`,
      ...extra,
    };
  if (options.signal?.aborted)
    return { status: "failed", reason: "interrupted", detail: "stopped before the end", ...extra };
  return { status: "failed", reason: "error", detail: describeError(failure), ...extra };
}

/** Resolves `"abandoned"` `graceMs` after `signal` aborts; stays pending (holding no timer) while it does not. */
function afterAbort(signal: AbortSignal, graceMs: number): Promise<"abandoned"> {
  return new Promise((resolve) => {
    const start = (): void => void setTimeout(() => resolve("abandoned"), graceMs);
    if (signal.aborted) start();
    else signal.addEventListener("abort", start, { once: true });
  });
}

function progressAdapter(onProgress: (progress: PullProgress) => void) {
  return (status: { totalSize: number; downloadedSize: number; averageSpeed: number }): void =>
    onProgress({
      downloadedBytes: status.downloadedSize,
      totalBytes: status.totalSize,
      bytesPerSecond: status.averageSpeed,
    });
}

/** The downloader renames its partial file into place without fsync; on an SD card a power cut could lose it. */
async function syncFile(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDir(path.dirname(file));
}

/** `fetch failed` hides the reason in `cause`, sometimes an AggregateError of one failure per address. */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause =
    error instanceof Error
      ? (error.cause as { message?: unknown; code?: unknown; errors?: unknown } | undefined)
      : undefined;
  const inner = Array.isArray(cause?.errors) ? (cause.errors[0] as { message?: unknown } | undefined) : undefined;
  const message = [cause?.message, inner?.message].find(
    (text): text is string => typeof text === "string" && text.length > 0,
  );
  if (message !== undefined) return message;
  if (typeof cause?.code === "string") return cause.code;
  return describeError(error);
}
