// The first line of a text, trimmed and capped: how a command's output is named in a check's detail or a journal line.

/** The first line of `text` (trimmed), at most 200 characters; `""` for none. */
export function firstLine(text: string | undefined): string {
  return (text ?? "").trim().split("\n")[0]?.slice(0, 200) ?? "";
}
