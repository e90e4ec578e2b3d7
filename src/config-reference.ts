// The settings of config.json as a reference, read off the config schema: every key's dotted path, type, default and description. The schema is the one source; no key is listed here by hand.
import * as v from "valibot";
import { configSchema } from "./config.js";
import { describeSchemaType } from "./validation/describe-schema-type.js";

/** A section of the config (an object of settings, such as `model`). */
export interface SectionReference {
  key: string;
  description: string;
}

/** One setting: a key whose value is not a section. */
export interface SettingReference {
  /** Dotted path, e.g. `model.contextSize`. */
  key: string;
  /** The values it accepts, in words (see {@link describeSchemaType}). */
  type: string;
  /** The value used when config.json leaves it out; absent when there is none (the setting is then unset). */
  default?: unknown;
  description: string;
}

/** Every section and setting of a schema, in the schema's order. */
export interface ConfigReference {
  sections: SectionReference[];
  settings: SettingReference[];
}

/** A schema entry as the walker reads it. */
interface EntryNode {
  type: string;
  kind: string;
  default?: unknown;
  wrapped?: v.GenericSchema;
  entries?: Record<string, v.GenericSchema>;
  pipe?: readonly EntryNode[];
}

/**
 * The reference of `schema` (the config schema unless given): an object schema, possibly in a pipe, whose keys are
 * settings or sections of settings, each optional with its default and described with `v.description`. Throws for a key
 * without a description, or a schema that is not an object's: a bug in the schema, which the tests catch.
 */
export function readConfigReference(schema: v.GenericSchema = configSchema): ConfigReference {
  const reference: ConfigReference = { sections: [], settings: [] };
  const entries = findEntries(schema as unknown as EntryNode);
  if (entries === undefined) throw new Error("the config reference needs an object schema");
  walkEntries(entries, "", reference);
  return reference;
}

function walkEntries(entries: Record<string, v.GenericSchema>, prefix: string, reference: ConfigReference): void {
  for (const [name, entry] of Object.entries(entries)) {
    const key = `${prefix}${name}`;
    const description = v.getDescription(entry);
    if (description === undefined) throw new Error(`config key ${key} has no description in the schema`);
    const node = entry as unknown as EntryNode;
    const optional = node.type === "optional" || node.type === "nullish" || node.type === "exact_optional";
    const inner = optional && node.wrapped !== undefined ? node.wrapped : entry;
    const sectionEntries = findEntries(inner as unknown as EntryNode);
    if (sectionEntries !== undefined) {
      reference.sections.push({ key, description });
      walkEntries(sectionEntries, `${key}.`, reference);
      continue;
    }
    const hasDefault = optional && node.default !== undefined;
    reference.settings.push({
      key,
      type: describeSchemaType(inner),
      ...(hasDefault ? { default: v.getDefault(entry as v.OptionalSchema<v.GenericSchema, unknown>) } : {}),
      description,
    });
  }
}

/** The entries of an object schema, found in `node` itself or in its pipe; `undefined` when it is not one. */
function findEntries(node: EntryNode): Record<string, v.GenericSchema> | undefined {
  if (node.entries !== undefined) return node.entries;
  for (const item of node.pipe ?? []) {
    if (item.kind === "schema") {
      const found = findEntries(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The value at dotted `key` in `value` (a parsed config or the raw JSON); `found` is false when a step is missing. */
export function readDottedKey(value: unknown, key: string): { found: boolean; value?: unknown } {
  let current = value;
  for (const name of key.split(".")) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, name)) return { found: false };
    current = (current as Record<string, unknown>)[name];
  }
  return { found: true, value: current };
}
