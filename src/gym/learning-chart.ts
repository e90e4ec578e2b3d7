// The learning-curve chart: success rate per cycle, memory vs no-memory, one small panel per scenario, as a standalone SVG string.
import type { ScenarioFigures } from "./run-gym.js";

const PANEL_WIDTH = 300;
const PANEL_HEIGHT = 180;
const MARGIN = { left: 40, right: 12, top: 28, bottom: 30 };
const COLUMNS = 3;
const COLORS = { memory: "#1b7f3b", noMemory: "#b03a2e" } as const;

/** Renders the chart. Pure: the same figures give the same bytes. Modes that were not run are left out. */
export function renderLearningChart(
  scenarios: readonly ScenarioFigures[],
  title = "Apprentice gym: success rate per cycle",
): string {
  const columns = Math.max(1, Math.min(COLUMNS, scenarios.length));
  const rows = Math.max(1, Math.ceil(scenarios.length / columns));
  const width = columns * PANEL_WIDTH;
  const height = rows * PANEL_HEIGHT + 48;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    renderLegend(width),
  ];
  scenarios.forEach((scenario, index) => {
    const x = (index % columns) * PANEL_WIDTH;
    const y = 40 + Math.floor(index / columns) * PANEL_HEIGHT;
    parts.push(renderPanel(scenario, x, y));
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function renderLegend(width: number): string {
  const x = width - 210;
  return [
    `<line x1="${x}" y1="32" x2="${x + 20}" y2="32" stroke="${COLORS.memory}" stroke-width="2"/>`,
    `<text x="${x + 24}" y="35">memory</text>`,
    `<line x1="${x + 90}" y1="32" x2="${x + 110}" y2="32" stroke="${COLORS.noMemory}" stroke-width="2" stroke-dasharray="4 3"/>`,
    `<text x="${x + 114}" y="35">no memory</text>`,
  ].join("\n");
}

function renderPanel(scenario: ScenarioFigures, left: number, top: number): string {
  const plotX = left + MARGIN.left;
  const plotY = top + MARGIN.top;
  const plotWidth = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const cycles = Math.max(1, scenario.cycles);
  const toX = (cycle: number): number =>
    plotX + (cycles === 1 ? plotWidth / 2 : ((cycle - 1) / (cycles - 1)) * plotWidth);
  const toY = (rate: number): number => plotY + (1 - rate) * plotHeight;
  const parts = [
    `<g>`,
    `<text x="${left + PANEL_WIDTH / 2}" y="${top + 16}" text-anchor="middle" font-weight="bold">${escapeXml(scenario.name)} (${scenario.seeds} seed${scenario.seeds === 1 ? "" : "s"})</text>`,
    `<rect x="${plotX}" y="${plotY}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
  ];
  for (const rate of [0, 0.5, 1]) {
    parts.push(`<line x1="${plotX}" y1="${toY(rate)}" x2="${plotX + plotWidth}" y2="${toY(rate)}" stroke="#ddd"/>`);
    parts.push(`<text x="${plotX - 4}" y="${toY(rate) + 4}" text-anchor="end">${Math.round(rate * 100)}%</text>`);
  }
  for (const cycle of [1, Math.ceil(cycles / 2), cycles]) {
    parts.push(`<text x="${toX(cycle)}" y="${plotY + plotHeight + 14}" text-anchor="middle">${cycle}</text>`);
  }
  parts.push(
    `<text x="${plotX + plotWidth / 2}" y="${plotY + plotHeight + 26}" text-anchor="middle" fill="#555">cycle</text>`,
  );
  const line = (rates: readonly number[], color: string, dashed: boolean): string => {
    const points = rates.map((rate, index) => `${toX(index + 1).toFixed(1)},${toY(rate).toFixed(1)}`).join(" ");
    return `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="4 3"' : ""}/>`;
  };
  if (scenario.noMemory !== null) parts.push(line(scenario.noMemory.successRateByCycle, COLORS.noMemory, true));
  if (scenario.memory !== null) parts.push(line(scenario.memory.successRateByCycle, COLORS.memory, false));
  parts.push(`</g>`);
  return parts.join("\n");
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
