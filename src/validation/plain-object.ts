// A schema that takes a JSON object and refuses arrays and null: valibot's object schemas take an array as an object.
import * as v from "valibot";

/**
 * Accepts a non-null object that is not an array, as is. Put in front of an object schema
 * (`v.pipe(plainObject, v.strictObject(...))`) where an array must be refused as such: valibot's object schemas take
 * any object and look its keys up through the prototype, so a schema whose keys are all optional reads `[]` as `{}`
 * with every default, and one with a key `every` finds `Array.prototype.every`.
 */
export const plainObject = v.custom<Record<string, unknown>>(
  (input) => typeof input === "object" && input !== null && !Array.isArray(input),
  (issue) => `Invalid type: Expected Object but received ${issue.received}`,
);
