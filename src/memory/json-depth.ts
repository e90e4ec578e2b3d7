// Measures how deeply a parsed JSON value nests, without recursion: JSON.parse accepts any depth, but JSON.stringify
// recurses and overflows the stack on a few thousand levels, so a state file nested that deep could be read and never
// written again.

/** Deepest nesting a state file may have; the real files nest fewer than 10 levels. Defaults everywhere to this. */
export const MAX_STATE_JSON_DEPTH = 64;

/** Whether `value` nests arrays or objects more than `maxDepth` levels deep. Stops at the first too-deep value. */
export function checkJsonTooDeep(value: unknown, maxDepth = MAX_STATE_JSON_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== "object" || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > maxDepth) return true;
    const children = Array.isArray(item.value) ? item.value : Object.values(item.value);
    for (const child of children) if (typeof child === "object" && child !== null) stack.push({ value: child, depth });
  }
  return false;
}
