// The error a state file's reader throws when the file exists but cannot be used, naming the file so the caller can move it aside.

/** Thrown when a state file exists but cannot be used: empty, not JSON, too deep, or refused by its schema. */
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
