// Sizes a cycle to the board before the model loads: fewer threads when warm, the largest context that fits free RAM.

/** Contexts are tried in steps of this many tokens (llama.cpp pads context sizes to multiples of 256 anyway). */
export const CONTEXT_STEP = 256;

/** How many threads to run with, and why when it is fewer than configured. */
export interface ThreadChoice {
  threads: number;
  note?: string;
}

/**
 * Above `softTempC` the cycle runs with half the configured threads (at least 1), so a passively cooled board sheds
 * heat instead of reaching the hard limit, where the gate skips. An unknown temperature changes nothing.
 */
export function chooseThreads(configured: number, cpuTempC: number | undefined, softTempC: number): ThreadChoice {
  if (cpuTempC === undefined || cpuTempC <= softTempC || configured <= 1) return { threads: configured };
  const threads = Math.max(1, Math.floor(configured / 2));
  return {
    threads,
    note: `ran with ${threads} of ${configured} threads: CPU at ${cpuTempC}°C, above softTempC ${softTempC}°C`,
  };
}

/** Memory needed for the model with a given context, in MB, or a reason the model cannot be estimated. */
export type EstimateMB = (
  contextSize: number,
) => Promise<{ ok: true; neededRamMB: number; contextSize: number } | { ok: false; reason: string }>;

export type ContextFit =
  | { ok: true; contextSize: number; neededRamMB: number; note?: string }
  | { ok: false; kind: "low-memory"; detail: string }
  | { ok: false; kind: "bad-model"; detail: string };

export interface ContextFitInput {
  /** `model.contextSize` from config. */
  configured: number;
  /** Smallest context worth loading the model for (`limits.minContextSize`). */
  floor: number;
  availableRamMB: number;
  reserveRamMB: number;
  estimate: EstimateMB;
}

/**
 * The configured context when the model and it fit in free RAM with the reserve to spare; otherwise the largest
 * multiple of {@link CONTEXT_STEP} between `floor` and the configured size that fits (binary search: the estimate
 * grows with the context); otherwise low memory, with the figures at the floor. About log2(configured / 256)
 * estimates, each reading only the GGUF header.
 */
export async function fitContext(input: ContextFitInput): Promise<ContextFit> {
  const budgetMB = input.availableRamMB - input.reserveRamMB;
  const full = await input.estimate(input.configured);
  if (!full.ok) return { ok: false, kind: "bad-model", detail: full.reason };
  if (full.neededRamMB <= budgetMB) return { ok: true, contextSize: full.contextSize, neededRamMB: full.neededRamMB };

  const floor = Math.min(input.floor, full.contextSize);
  const atFloor = await input.estimate(floor);
  if (!atFloor.ok) return { ok: false, kind: "bad-model", detail: atFloor.reason };
  if (atFloor.neededRamMB > budgetMB) {
    return {
      ok: false,
      kind: "low-memory",
      detail:
        `${input.availableRamMB} MB available; the model needs about ${full.neededRamMB} MB at a ${full.contextSize}-token context and ` +
        `${atFloor.neededRamMB} MB at the ${floor}-token floor (limits.minContextSize), plus ${input.reserveRamMB} MB reserve`,
    };
  }
  // Invariant: `low` fits, `high` does not.
  let low = floor;
  let lowNeed = atFloor.neededRamMB;
  let high = full.contextSize;
  while (high - low > CONTEXT_STEP) {
    const middle = Math.max(low + CONTEXT_STEP, Math.floor((low + high) / 2 / CONTEXT_STEP) * CONTEXT_STEP);
    if (middle >= high) break;
    const probe = await input.estimate(middle);
    if (!probe.ok) return { ok: false, kind: "bad-model", detail: probe.reason };
    if (probe.neededRamMB <= budgetMB) {
      low = middle;
      lowNeed = probe.neededRamMB;
    } else {
      high = middle;
    }
  }
  return {
    ok: true,
    contextSize: low,
    neededRamMB: lowNeed,
    note:
      `context cut from ${full.contextSize} to ${low} tokens to fit free RAM: ${input.availableRamMB} MB available, ` +
      `${full.neededRamMB} MB needed at ${full.contextSize}, ${lowNeed} MB at ${low}, ${input.reserveRamMB} MB reserve`,
  };
}
