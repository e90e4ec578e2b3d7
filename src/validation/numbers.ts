// The number schemas every file format here shares: finite numbers and safe whole numbers, optionally bounded.
import * as v from "valibot";

/** Any finite number: valibot's number() takes Infinity, which JSON.parse makes of 1e999 (and JSON.stringify writes back as null). */
export const finiteNumber = v.pipe(v.number(), v.finite());

/** A whole number (safe integers only: 2**53 and beyond are refused, as are fractions and Infinity), at least `min` and at most `max` when given. */
export function wholeNumber(min?: number, max?: number) {
  const whole = v.pipe(v.number(), v.safeInteger());
  if (min === undefined) return whole;
  const atLeast = v.pipe(whole, v.minValue(min));
  return max === undefined ? atLeast : v.pipe(atLeast, v.maxValue(max));
}

/** A number from `min` to `max` inclusive (so finite). */
export function numberBetween(min: number, max: number) {
  return v.pipe(v.number(), v.minValue(min), v.maxValue(max));
}
