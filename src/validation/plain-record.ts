// A record schema that keeps every key: valibot's own record() silently drops "constructor" and "prototype", which are valid goal ids and file names.
import * as v from "valibot";
import { plainObject } from "./plain-object.js";

/**
 * A plain object (not an array) whose keys pass `key` and whose values pass `value`, read into a new object. Every own
 * enumerable key is kept except `__proto__`, which would replace the new object's prototype. A key that fails is an
 * issue at its own path and its value is not read; a value's issues are reported under its key. The key and value
 * schemas ride along as metadata (`recordKey`, `recordValue`), so a reference can name the record's type.
 */
export function plainRecord<TValue extends v.GenericSchema>(key: v.GenericSchema<string, string>, value: TValue) {
  return v.pipe(
    plainObject,
    v.rawTransform(({ dataset, config, addIssue, NEVER }) => {
      const input = dataset.value;
      // The entries are read with the caller's settings (a custom message function is for the caller's issues only).
      const settings = { lang: config.lang, abortEarly: config.abortEarly, abortPipeEarly: config.abortPipeEarly };
      const output: Record<string, v.InferOutput<TValue>> = {};
      let valid = true;
      // Each issue of an entry is raised again under the entry's key, with its own words.
      const report = (issues: readonly v.BaseIssue<unknown>[], origin: "key" | "value", name: string) => {
        valid = false;
        for (const issue of issues) {
          addIssue({
            input: issue.input,
            expected: issue.expected ?? undefined,
            received: issue.received,
            message: issue.message,
            path: [{ type: "object", origin, input, key: name, value: input[name] }, ...(issue.path ?? [])],
          });
        }
      };
      for (const name of Object.keys(input)) {
        if (name === "__proto__") continue;
        const keyResult = v.safeParse(key, name, settings);
        if (!keyResult.success) report(keyResult.issues, "key", name);
        else {
          const result = v.safeParse(value, input[name], settings);
          if (result.success) output[name] = result.output;
          else report(result.issues, "value", name);
        }
        if (!valid && config.abortEarly) break;
      }
      return valid ? output : NEVER;
    }),
    v.metadata({ recordKey: key, recordValue: value }),
  );
}
