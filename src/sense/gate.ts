// Decides whether a cycle may load the model: pure, on plain data; a skip always carries a reason and the figures behind it.

/** Why a cycle did not run. `stopping`: the daemon was told to stop before the cycle got a number. */
export type SkipReason = "nothing-to-do" | "too-hot" | "low-memory" | "no-model" | "bad-model" | "stopping";

export type GateDecision = { run: true } | { run: false; reason: SkipReason; detail: string };

export interface GateInput {
  /** Goals due now (after pre-checks) and inbox messages waiting. */
  work: { dueGoals: number; inboxMessages: number };
  cpuTempC?: number;
  maxTempC: number;
  availableRamMB: number;
  /** Estimated RAM for model + context, in MB; undefined when not estimated yet. */
  neededRamMB?: number;
  reserveRamMB: number;
}

/** Work first (cheapest, and the common idle case), then heat, then memory. */
export function decideGate(input: GateInput): GateDecision {
  const idle = findNothingToDo(input.work);
  if (idle !== undefined) return idle;
  if (input.cpuTempC !== undefined && input.cpuTempC > input.maxTempC) {
    return { run: false, reason: "too-hot", detail: `CPU at ${input.cpuTempC}°C, above maxTempC ${input.maxTempC}°C` };
  }
  if (input.neededRamMB !== undefined && input.availableRamMB < input.neededRamMB + input.reserveRamMB) {
    return {
      run: false,
      reason: "low-memory",
      detail: `${input.availableRamMB} MB available; the model needs about ${input.neededRamMB} MB plus ${input.reserveRamMB} MB reserve`,
    };
  }
  return { run: true };
}

/**
 * The gate's first rule alone, which needs no sensor: no due goal and no waiting message is nothing to do. A cycle
 * asks it before reading the sensors, so an idle wake reads none.
 */
export function findNothingToDo(work: GateInput["work"]): Extract<GateDecision, { run: false }> | undefined {
  if (work.dueGoals > 0 || work.inboxMessages > 0) return undefined;
  return { run: false, reason: "nothing-to-do", detail: "no goal is due and the inbox is empty" };
}
