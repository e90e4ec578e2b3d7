// Prompt-processing and generation rates of llama.cpp for a 0.5B Q4 model on a Raspberry Pi 4 and 5, each with its source, and the seconds per cycle they project; a projection, never a measurement.

/** The rates one board is projected with, and where they come from. */
export interface PiRates {
  board: string;
  model: string;
  /** Prompt tokens evaluated per second (llama-bench `pp`). */
  promptTokensPerSec: number;
  /** Tokens generated per second (llama-bench `tg`). */
  generatedTokensPerSec: number;
  /** `published`: the rates as the source gives them; `scaled`: derived from published rates, as `basis` says. */
  kind: "published" | "scaled";
  /** The source, its date, and how the rates were read or derived. */
  basis: string;
}

/**
 * Raspberry Pi 5 (Cortex-A76, 4 cores): Qwen2.5-0.5B Q4_0, llama-bench, llama.cpp build 836d571. From "Performance of
 * llama.cpp on Arm CPUs", https://github.com/ggml-org/llama.cpp/discussions/30069 (manunicholasjacob, a Pi 5 with
 * 2 GB): best prompt processing 289.92 t/s at 4 threads, best decode 33.84 t/s at 2 threads. Read on 2026-12-07; the
 * thread's own date was not in the text read.
 */
const PI5_RATES: PiRates = {
  board: "Raspberry Pi 5",
  model: "Qwen2.5-0.5B Q4_0",
  promptTokensPerSec: 289.92,
  generatedTokensPerSec: 33.84,
  kind: "published",
  basis:
    "llama.cpp discussion #30069 'Performance of llama.cpp on Arm CPUs' (https://github.com/ggml-org/llama.cpp/discussions/30069), llama-bench, build 836d571, read 2026-12-07",
};

/**
 * Raspberry Pi 4 (Cortex-A72, 4 cores). No published llama.cpp rate for a 0.5B Q4 model on a Pi 4 was found, so the
 * Pi 5 rates above are scaled by the Pi 4 ÷ Pi 5 ratios of one llama.cpp build measured on both boards: Justine
 * Tunney, "LLaMA Now Goes Faster on CPUs", https://justine.lol/matmul/ (2024-03-31), TinyLlama 1.1B Q8_0 with
 * llama.cpp of 2024-03-26: prompt 10 vs 35 tok/s, generation 3 vs 9 tok/s.
 */
const PI4_RATES: PiRates = {
  board: "Raspberry Pi 4",
  model: "Qwen2.5-0.5B Q4_0 (scaled from the Pi 5)",
  promptTokensPerSec: round(PI5_RATES.promptTokensPerSec * (10 / 35)),
  generatedTokensPerSec: round(PI5_RATES.generatedTokensPerSec * (3 / 9)),
  kind: "scaled",
  basis:
    "Pi 5 rates × Pi 4/Pi 5 ratios (prompt 10/35, generation 3/9) of TinyLlama 1.1B Q8_0, llama.cpp 2024-03-26, in J. Tunney, 'LLaMA Now Goes Faster on CPUs', https://justine.lol/matmul/ (2024-03-31)",
};

/** The boards `bench speed` projects a cycle onto. */
export const PI_RATES: Readonly<Record<"pi4" | "pi5", PiRates>> = { pi4: PI4_RATES, pi5: PI5_RATES };

/** One board's projected seconds for a cycle, split into prompt evaluation and generation. */
export interface BoardProjection {
  projectedSecondsPerCycle: number;
  projectedPromptSeconds: number;
  projectedGenerationSeconds: number;
  rates: PiRates;
}

/**
 * Seconds a cycle that evaluated `evaluated` prompt tokens and generated `generated` tokens would spend in the model
 * on a board with `rates`: evaluated ÷ prompt rate + generated ÷ generation rate. It leaves out loading the model, the
 * grammar's sampling cost and everything around the model, and llama-bench's `pp` evaluates 512 tokens in one batch,
 * faster per token than a step's few hundred; so it is a lower bound, labelled a projection wherever it is shown.
 */
export function projectCycle(figures: { evaluated: number; generated: number }, rates: PiRates): BoardProjection {
  const projectedPromptSeconds = figures.evaluated / rates.promptTokensPerSec;
  const projectedGenerationSeconds = figures.generated / rates.generatedTokensPerSec;
  return {
    projectedSecondsPerCycle: round(projectedPromptSeconds + projectedGenerationSeconds),
    projectedPromptSeconds: round(projectedPromptSeconds),
    projectedGenerationSeconds: round(projectedGenerationSeconds),
    rates,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
