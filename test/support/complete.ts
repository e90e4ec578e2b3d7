// A type for fixtures that must fill every field: each optional property made required, all the way down.

/**
 * `T` with every optional property required, in nested objects, arrays and records too. A fixture of this type names
 * every field its type has, so a field added to a schema is a compile error until the fixture fills it. `unknown`
 * (free arguments) stays as it is.
 */
export type Complete<T> = T extends readonly (infer TItem)[]
  ? Complete<TItem>[]
  : T extends object
    ? { [TKey in keyof T]-?: Complete<T[TKey]> }
    : T;
