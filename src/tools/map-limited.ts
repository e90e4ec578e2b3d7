// Maps items through an async function, a bounded number at a time; invariant: results in input order, nothing running once it settles.
/**
 * Calls `fn` on every item, at most `limit` at a time, and returns the results in input order. When a call throws,
 * no new call starts, the running ones are awaited, and then the first error is thrown: a caller may close what the
 * calls use (an open directory) as soon as this settles.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < items.length && errors.length === 0) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, work));
  if (errors.length > 0) throw errors[0];
  return results;
}
