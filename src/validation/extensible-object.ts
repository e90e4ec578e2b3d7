// An object schema that keeps the keys it does not know, typed by the ones it does: a field a later version added survives a rewrite, and the code here sees only its own fields.
import * as v from "valibot";

/** What {@link extensibleObject} checks and yields: the object with `TEntries`, as `v.object(entries)` types it. */
type ExtensibleObjectSchema<TEntries extends v.ObjectEntries> = v.GenericSchema<
  v.InferInput<v.ObjectSchema<TEntries, undefined>>,
  v.InferOutput<v.ObjectSchema<TEntries, undefined>>,
  v.InferIssue<v.LooseObjectSchema<TEntries, undefined>>
>;

/**
 * `v.looseObject(entries)`: checks `entries` and keeps every other key as it is, so data a newer version wrote is not
 * dropped when this version rewrites it. Only its type differs: the output type is that of `v.object(entries)`,
 * without the loose object's index signature, so a misspelt field is a compile error rather than an `unknown`. That
 * type is a supertype of the loose one (the extra keys are still there at run time, as structural types allow), and
 * costs nothing at run time, unlike a transform in a pipe.
 */
export function extensibleObject<const TEntries extends v.ObjectEntries>(
  entries: TEntries,
): ExtensibleObjectSchema<TEntries> {
  return v.looseObject(entries);
}
