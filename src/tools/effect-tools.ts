// The tools that can change the workspace; invariant: a tool outside this set never alters a workspace file.

/** The tools that can change the workspace (a `run` of an allowlisted program as much as a write). */
export const EFFECT_TOOLS: ReadonlySet<string> = new Set(["run", "write_file", "append_file"]);
