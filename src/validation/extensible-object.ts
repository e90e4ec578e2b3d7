// An object schema that keeps the keys it does not know, typed by the ones it does: a field a later version added survives a rewrite, and the code here sees only its own fields.
import * as v from "valibot";

/**
 * Checks `entries` like `v.looseObject` and keeps every other key as it is, so data a newer version wrote is not
 * dropped when this version rewrites it. The output type is that of `v.object(entries)`: without the index signature
 * of a loose object, so a misspelt field is a compile error rather than an `unknown`. At run time the extra keys are
 * still there, as TypeScript's structural types allow.
 */
export function extensibleObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(
    v.looseObject(entries),
    v.transform((value): v.InferOutput<v.ObjectSchema<TEntries, undefined>> => value),
  );
}
