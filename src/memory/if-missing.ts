// The one file-system error that is an answer, not a failure: ENOENT (the file or folder is not there, or went away meanwhile).

/** A `.catch` handler that turns ENOENT into `fallback` and rethrows every other error. */
export function ifMissing<T>(fallback: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === "ENOENT") return fallback;
    throw error;
  };
}
