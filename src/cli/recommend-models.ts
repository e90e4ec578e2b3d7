// What `apprentice model recommend` shows: the catalog judged for this board's RAM, and for 1, 2, 4 and 8 GB boards.
import {
  BOARD_RAM_MB,
  judgeCatalog,
  pickSuggestion,
  RUNTIME_RESERVE_MB,
  type FitEntry,
  type FitVerdict,
} from "../brain/model-catalog.js";

export interface BoardFit {
  ramMB: number;
  models: FitEntry[];
  /** The suggested file for this RAM; `null` when nothing fits comfortably. */
  suggestion: FitEntry | null;
}

export interface Recommendation extends BoardFit {
  /** `board`: total RAM read from this board; `option`: given with --ram-mb. */
  ramSource: "board" | "option";
  /** Context the KV cache is sized for, in tokens (config's model.contextSize). */
  contextSize: number;
  runtimeReserveMB: number;
  /** The same judgement for 1, 2, 4 and 8 GB boards. */
  boards: BoardFit[];
}

/** Judges the catalog for `ramMB` and for each standard board size. */
export function buildRecommendation(
  ramMB: number,
  ramSource: Recommendation["ramSource"],
  contextSize: number,
): Recommendation {
  const judge = (ram: number): BoardFit => {
    const models = judgeCatalog(ram, contextSize);
    return { ramMB: ram, models, suggestion: pickSuggestion(models) ?? null };
  };
  return {
    ...judge(ramMB),
    ramSource,
    contextSize,
    runtimeReserveMB: RUNTIME_RESERVE_MB,
    boards: BOARD_RAM_MB.map(judge),
  };
}

const SYMBOLS: Record<FitVerdict, string> = { fits: "✓", tight: "~", "too-big": "✗" };

/** The human report: this board's table, the suggestion with its pull command, then the board matrix. */
export function formatRecommendation(recommendation: Recommendation): string {
  const source = recommendation.ramSource === "board" ? "this board" : "--ram-mb";
  const lines = [
    `${recommendation.ramMB} MB RAM (${source}), context ${recommendation.contextSize} tokens.`,
    `need = file + KV cache at that context + ${recommendation.runtimeReserveMB} MB for the OS, Node and llama.cpp buffers; sizes are approximate.`,
    "",
  ];
  const rows = [["model", "quant", "file", "KV", "need", "verdict"]];
  for (const entry of recommendation.models) {
    rows.push([
      entry.name,
      entry.quantization,
      `${entry.fileMB} MB`,
      `${entry.kvMB} MB`,
      `${entry.needMB} MB`,
      entry.verdict,
    ]);
  }
  lines.push(...alignColumns(rows).map((row) => `  ${row}`), "");
  const suggestion = recommendation.suggestion;
  if (suggestion !== null) {
    lines.push(
      `Suggested: ${suggestion.name} ${suggestion.quantization}`,
      `  apprentice model pull ${suggestion.uri} --use`,
      "",
    );
  } else {
    lines.push("Nothing in the table fits comfortably; lower model.contextSize or use a board with more RAM.", "");
  }
  lines.push(`By board (✓ fits, ~ tight: only on an otherwise idle board, ✗ too big):`);
  const matrix = [["model", "quant", ...recommendation.boards.map((board) => `${board.ramMB / 1024} GB`)]];
  for (const entry of recommendation.models) {
    const verdicts = recommendation.boards.map((board) => {
      const same = board.models.find((other) => other.uri === entry.uri);
      return same === undefined ? "?" : SYMBOLS[same.verdict];
    });
    matrix.push([entry.name, entry.quantization, ...verdicts]);
  }
  lines.push(...alignColumns(matrix).map((row) => `  ${row}`), "");
  lines.push(
    "Pull one with `apprentice model pull <uri> --use`; `apprentice doctor` then checks it against the RAM free now.",
    "",
  );
  return lines.join("\n");
}

function alignColumns(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}
