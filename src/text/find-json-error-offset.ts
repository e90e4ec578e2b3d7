// Finds where a text stops being JSON (RFC 8259), without recursion: a nesting bomb costs a stack of bytes, not the call stack.

type Expect = "value" | "first-value" | "key" | "first-key" | "colon" | "after";

/** Where a scan of one token ended: `end` after it, or `error` at the first character that is wrong. */
type Scan = { end: number } | { error: number };

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/**
 * The offset (UTF-16 code units) of the first character where `text` stops being one JSON value, `text.length` when
 * it ends too early, or `undefined` when it is JSON. For parsers whose message carries no position (Node 20's
 * `Unexpected token 'x', "…" is not valid JSON`).
 */
export function findJsonErrorOffset(text: string): number | undefined {
  const open: string[] = [];
  let expect: Expect = "value";
  let at = 0;
  for (;;) {
    while (at < text.length && WHITESPACE.has(text[at] ?? "")) at += 1;
    if (at >= text.length) return expect === "after" && open.length === 0 ? undefined : text.length;
    const char = text[at] ?? "";
    const top = open[open.length - 1];
    let scan: Scan;
    if (expect === "colon") {
      if (char !== ":") return at;
      scan = { end: at + 1 };
      expect = "value";
    } else if (expect === "key" || expect === "first-key") {
      if (char === "}" && expect === "first-key") {
        open.pop();
        scan = { end: at + 1 };
        expect = "after";
      } else if (char !== '"') return at;
      else {
        scan = scanString(text, at);
        expect = "colon";
      }
    } else if (expect === "after") {
      if (top === undefined) return at;
      if (char === ",") expect = top === "{" ? "key" : "value";
      else if (char === (top === "{" ? "}" : "]")) open.pop();
      else return at;
      scan = { end: at + 1 };
    } else if (char === "]" && expect === "first-value") {
      open.pop();
      scan = { end: at + 1 };
      expect = "after";
    } else if (char === "{" || char === "[") {
      open.push(char);
      scan = { end: at + 1 };
      expect = char === "{" ? "first-key" : "first-value";
    } else {
      scan = scanScalar(text, at);
      expect = "after";
    }
    if ("error" in scan) return scan.error;
    at = scan.end;
  }
}

function scanScalar(text: string, at: number): Scan {
  const char = text[at] ?? "";
  if (char === '"') return scanString(text, at);
  if (char === "-" || (char >= "0" && char <= "9")) return scanNumber(text, at);
  for (const literal of ["true", "false", "null"]) {
    if (literal[0] !== char) continue;
    for (let index = 1; index < literal.length; index += 1)
      if (text[at + index] !== literal[index]) return { error: Math.min(at + index, text.length) };
    return { end: at + literal.length };
  }
  return { error: at };
}

/** A string from its opening quote at `at`: escapes are checked, and a raw control character is an error. */
function scanString(text: string, at: number): Scan {
  let index = at + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return { end: index + 1 };
    if (code < 0x20) return { error: index };
    if (code === 0x5c) {
      const escape = text[index + 1] ?? "";
      if (escape === "u") {
        for (let digit = 2; digit < 6; digit += 1)
          if (!/^[0-9a-fA-F]$/.test(text[index + digit] ?? "")) return { error: Math.min(index + digit, text.length) };
        index += 6;
        continue;
      }
      if (!ESCAPES.has(escape)) return { error: Math.min(index + 1, text.length) };
      index += 2;
      continue;
    }
    index += 1;
  }
  return { error: text.length };
}

/** `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?` from `at`; a number cut off where a digit must come is an error there. */
function scanNumber(text: string, at: number): Scan {
  const isDigit = (index: number): boolean => /^[0-9]$/.test(text[index] ?? "");
  let index = at;
  if (text[index] === "-") index += 1;
  if (!isDigit(index)) return { error: index };
  if (text[index] === "0") index += 1;
  else while (isDigit(index)) index += 1;
  if (text[index] === ".") {
    index += 1;
    if (!isDigit(index)) return { error: index };
    while (isDigit(index)) index += 1;
  }
  if (text[index] === "e" || text[index] === "E") {
    index += 1;
    if (text[index] === "+" || text[index] === "-") index += 1;
    if (!isDigit(index)) return { error: index };
    while (isDigit(index)) index += 1;
  }
  return { end: index };
}
