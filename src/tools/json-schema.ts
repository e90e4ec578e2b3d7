// The subset of JSON Schema that tools use to describe their arguments; structurally what node-llama-cpp's grammar builder accepts.

/** A string argument. `maxLength` keeps free text short and bounds decoding. */
export interface StringSchema {
  type: "string";
  maxLength?: number;
  minLength?: number;
  description?: string;
}
/** One of a known set of values (allowlisted commands, listed paths). */
export interface EnumSchema {
  enum: readonly string[];
  description?: string;
}
export interface IntegerSchema {
  type: "integer";
  description?: string;
}
export interface BooleanSchema {
  type: "boolean";
  description?: string;
}
export interface ConstSchema {
  const: string;
}
export interface ArraySchema {
  type: "array";
  items: JsonSchema;
  maxItems?: number;
  minItems?: number;
  description?: string;
}
export interface ObjectSchema {
  type: "object";
  properties: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: false;
  description?: string;
}
export interface OneOfSchema {
  oneOf: readonly JsonSchema[];
}
export type JsonSchema =
  StringSchema | EnumSchema | IntegerSchema | BooleanSchema | ConstSchema | ArraySchema | ObjectSchema | OneOfSchema;
