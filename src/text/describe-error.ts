// One line that says what went wrong, for an error of any type: messages and logs never show a stack unless asked.

/**
 * The error's message, first line only, followed by its cause's first line when it has one (`open failed: EACCES`);
 * a non-Error value as text. With `allLines`, the messages whole: a config error lists each bad field on a line of
 * its own. With `stack`, an Error's whole stack instead: for the log of an unexpected crash.
 */
export function describeError(error: unknown, options: { stack?: boolean; allLines?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  if (options.stack === true && error.stack !== undefined) return error.stack;
  const text = (each: Error): string => (options.allLines === true ? each.message : firstLineOf(each));
  const cause = error.cause instanceof Error ? `: ${text(error.cause)}` : "";
  return `${text(error)}${cause}`;
}

function firstLineOf(error: Error): string {
  return error.message.split("\n")[0] || error.name;
}
