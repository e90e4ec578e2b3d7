// A lowdb adapter that writes JSON crash-safely (temp → fsync → rename → fsync dir) and reports corrupt content as a typed error, never as null.
import { readFile } from "node:fs/promises";
import type { Adapter } from "lowdb";
import { writeFileDurably } from "./durable-write.js";
import { checkJsonTooDeep, MAX_STATE_JSON_DEPTH } from "./json-depth.js";

/** Thrown by {@link DurableJsonFile.read} when a file exists but cannot be used: empty, not JSON, or rejected by `parse`. */
export class CorruptStateError extends Error {
  override readonly name = "CorruptStateError";
  /** The file that could not be read. */
  readonly file: string;
  /** What is wrong with it, in a few words, e.g. `empty file` or `invalid JSON: Unexpected end of JSON input`. */
  readonly reason: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.file = file;
    this.reason = reason;
  }
}

/** Options of {@link DurableJsonFile}. */
export interface DurableJsonFileOptions<T> {
  /**
   * Validates (and may normalise) what was parsed. Throwing marks the file corrupt; the error's message becomes the
   * {@link CorruptStateError.reason}. Defaults to accepting any JSON value as `T`.
   */
  parse?: (value: unknown) => T;
}

/**
 * lowdb `Adapter<T>` for one JSON file.
 * - `read` returns `null` when the file is missing and throws {@link CorruptStateError} when it is empty or unparseable.
 * - `write` replaces the file atomically and durably with pretty-printed JSON ending in a newline. Writes run one
 *   at a time, in call order, so an older snapshot can never land after a newer one.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  readonly #parse: (value: unknown) => T;
  #lastWrite: Promise<void> = Promise.resolve();

  constructor(file: string, options: DurableJsonFileOptions<T> = {}) {
    this.file = file;
    this.#parse = options.parse ?? ((value) => value as T);
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    if (text.trim() === "") throw new CorruptStateError(this.file, "empty file");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CorruptStateError(this.file, `invalid JSON: ${(error as Error).message}`, { cause: error });
    }
    // JSON.stringify recurses: a value this deep could be read but never written back.
    if (checkJsonTooDeep(value))
      throw new CorruptStateError(this.file, `nested more than ${MAX_STATE_JSON_DEPTH} levels deep`);
    try {
      return this.#parse(value);
    } catch (error) {
      throw new CorruptStateError(this.file, (error as Error).message, { cause: error });
    }
  }

  write(data: T): Promise<void> {
    // Serialise now: lowdb hands over its live object, which may change before this write's turn comes.
    const text = `${JSON.stringify(data, null, 2)}\n`;
    const writeText = (): Promise<void> => writeFileDurably(this.file, text);
    // Runs after the previous write whether it failed or not; its failure was already delivered to its own caller.
    const thisWrite = this.#lastWrite.then(writeText, writeText);
    this.#lastWrite = thisWrite;
    return thisWrite;
  }
}
