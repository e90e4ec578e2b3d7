// The argument schema and content check shared by write_file and append_file; invariant: content never exceeds maxFileBytes.
import type { ObjectSchema } from "./json-schema.js";
import type { SchemaView } from "./tool.js";

/** Longest path the schema lets the model write, in characters. */
const MAX_WRITE_PATH_CHARS = 120;
/** Longest content the schema lets the model emit in one step, in characters; bounds decoding time. */
const MAX_CONTENT_CHARS = 2000;

/** `{path, content}`, with content capped by the file size limit and by what one step should decode. */
export function buildWriteArgsSchema(view: SchemaView): ObjectSchema {
  return {
    type: "object",
    properties: {
      path: { type: "string", minLength: 1, maxLength: MAX_WRITE_PATH_CHARS, description: "workspace-relative path" },
      content: { type: "string", maxLength: Math.min(view.limits.maxFileBytes, MAX_CONTENT_CHARS) },
    },
    required: ["path", "content"],
    additionalProperties: false,
  };
}

/** The content as bytes, or the reason it cannot be written. */
export function checkWriteContent(
  content: unknown,
  maxFileBytes: number,
): { ok: true; data: Buffer } | { ok: false; error: string } {
  if (typeof content !== "string") return { ok: false, error: "content must be a string" };
  const data = Buffer.from(content, "utf8");
  if (data.length > maxFileBytes)
    return { ok: false, error: `content is ${data.length} bytes; the limit is ${maxFileBytes}` };
  return { ok: true, data };
}
