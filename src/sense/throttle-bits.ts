// Decodes the Raspberry Pi firmware's get_throttled bits into words: what is happening now, and what has happened since boot.

/** The bits the firmware documents (vcgencmd get_throttled). */
const FLAGS: ReadonlyArray<{ bit: number; now: boolean; words: string }> = [
  { bit: 0, now: true, words: "under-voltage" },
  { bit: 1, now: true, words: "ARM frequency capped" },
  { bit: 2, now: true, words: "throttled" },
  { bit: 3, now: true, words: "soft temperature limit active" },
  { bit: 16, now: false, words: "under-voltage" },
  { bit: 17, now: false, words: "ARM frequency capping" },
  { bit: 18, now: false, words: "throttling" },
  { bit: 19, now: false, words: "soft temperature limit" },
];

export interface ThrottleState {
  value: number;
  /** Conditions in force now (bits 0–3). */
  now: string[];
  /** Conditions that occurred since boot (bits 16–19). */
  sinceBoot: string[];
  /** True when bit 0 is set: the supply is too weak right now, which corrupts SD cards. */
  underVoltageNow: boolean;
}

/** Decodes `0x50005`-style text; `undefined` when it is not a number. */
export function decodeThrottleBits(text: string): ThrottleState | undefined {
  const value = Number.parseInt(text.replace(/^0x/i, ""), 16);
  if (!Number.isFinite(value) || value < 0) return undefined;
  const has = (bit: number): boolean => Math.floor(value / 2 ** bit) % 2 === 1;
  return {
    value,
    now: FLAGS.filter((flag) => flag.now && has(flag.bit)).map((flag) => flag.words),
    sinceBoot: FLAGS.filter((flag) => !flag.now && has(flag.bit)).map((flag) => flag.words),
    underVoltageNow: has(0),
  };
}

/** `0x50005 (now: under-voltage, throttled; since boot: under-voltage, throttling)`, `0x0 (none)`, or the raw text. */
export function describeThrottleBits(text: string): string {
  const state = decodeThrottleBits(text);
  if (state === undefined) return text;
  if (state.value === 0) return `${text} (none)`;
  const words = [
    state.now.length > 0 ? `now: ${state.now.join(", ")}` : "",
    state.sinceBoot.length > 0 ? `since boot: ${state.sinceBoot.join(", ")}` : "",
  ];
  return `${text} (${words.filter((part) => part.length > 0).join("; ")})`;
}
