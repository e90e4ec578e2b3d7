// The contract of a reliability property: one attack run at quick or full size, reporting figures and failures.

export interface PropertyResult {
  ok: boolean;
  /** One-line figures, e.g. "57 attempts, 0 escapes, 0 touched outside". */
  figures: string;
  /** One line per failure. */
  failures: string[];
}

export interface ReliabilityProperty {
  name: string;
  run(options: { quick: boolean; seed: number }): Promise<PropertyResult>;
}
