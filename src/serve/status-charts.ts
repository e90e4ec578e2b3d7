// Small inline SVG charts for the status page (learning curve, sensors), one panel per measure; pure, and every text in them is escaped.
import { escapeHtml } from "./escape-html.js";
import type { CurvePoint } from "./status-report.js";

/** Cycles the rolling success rate looks back over (checked cycles only). */
export const ROLLING_CYCLES = 5;

const WIDTH = 320;
const HEIGHT = 150;
// The title takes the first line and the legend the second, so a long title never runs under the legend.
const MARGIN = { left: 34, right: 8, top: 32, bottom: 20 };
const COLORS = {
  met: "#1b7f3b",
  notMet: "#b03a2e",
  rate: "#1f5fa8",
  lessons: "#7a4fa0",
  temp: "#c0581b",
  ram: "#1f7a8c",
} as const;

/** One series of a panel: points in data units, drawn as a line, dots, or both. */
interface ChartSeries {
  label: string;
  color: string;
  points: Array<{ x: number; y: number }>;
  line: boolean;
  dots: boolean;
}

interface ChartOptions {
  id: string;
  title: string;
  yMin: number;
  yMax: number;
  formatY: (value: number) => string;
  series: ChartSeries[];
}

/** Goals met per cycle (dots at 100 % or 0 %) and the rolling success rate over the last {@link ROLLING_CYCLES} checked cycles. */
export function renderSuccessChart(curve: readonly CurvePoint[]): string {
  const checked = curve.filter((point): point is CurvePoint & { goalsMet: boolean } => point.goalsMet !== undefined);
  const rate = checked.map((point, index) => {
    const window = checked.slice(Math.max(0, index - ROLLING_CYCLES + 1), index + 1);
    return { x: point.cycle, y: (100 * window.filter((each) => each.goalsMet).length) / window.length };
  });
  return renderChart({
    id: "chart-success",
    title: "Goals met per cycle",
    yMin: 0,
    yMax: 100,
    formatY: (value) => `${value}%`,
    series: [
      { label: `rate (last ${ROLLING_CYCLES})`, color: COLORS.rate, points: rate, line: true, dots: false },
      {
        label: "met",
        color: COLORS.met,
        points: checked.filter((point) => point.goalsMet).map((point) => ({ x: point.cycle, y: 100 })),
        line: false,
        dots: true,
      },
      {
        label: "not met",
        color: COLORS.notMet,
        points: checked.filter((point) => !point.goalsMet).map((point) => ({ x: point.cycle, y: 0 })),
        line: false,
        dots: true,
      },
    ],
  });
}

/** Active (not retired) lessons after each cycle. */
export function renderLessonsChart(curve: readonly CurvePoint[]): string {
  const points = curve.flatMap((point) =>
    point.activeLessons !== undefined ? [{ x: point.cycle, y: point.activeLessons }] : [],
  );
  return renderChart({
    id: "chart-lessons",
    title: "Active lessons",
    yMin: 0,
    yMax: roundUpNicely(Math.max(2, ...points.map((point) => point.y))),
    formatY: (value) => String(value),
    series: [{ label: "lessons", color: COLORS.lessons, points, line: true, dots: true }],
  });
}

/** CPU temperature at each cycle's gate. */
export function renderTemperatureChart(curve: readonly CurvePoint[]): string {
  const points = curve.flatMap((point) =>
    point.cpuTempC !== undefined ? [{ x: point.cycle, y: point.cpuTempC }] : [],
  );
  const values = points.map((point) => point.y);
  const low = values.length > 0 ? Math.max(0, Math.floor((Math.min(...values) - 5) / 10) * 10) : 0;
  const high = values.length > 0 ? Math.ceil((Math.max(...values) + 5) / 10) * 10 : 100;
  return renderChart({
    id: "chart-temperature",
    title: "CPU temperature (°C)",
    yMin: low,
    yMax: high,
    formatY: (value) => String(value),
    series: [{ label: "°C", color: COLORS.temp, points, line: true, dots: true }],
  });
}

/** Free RAM at each cycle's gate; the axis runs to the board's total. */
export function renderFreeRamChart(curve: readonly CurvePoint[]): string {
  const points = curve.flatMap((point) =>
    point.availableRamMB !== undefined ? [{ x: point.cycle, y: point.availableRamMB }] : [],
  );
  const total = Math.round(
    Math.max(1, ...curve.map((point) => point.totalRamMB ?? 0), ...points.map((point) => point.y)),
  );
  return renderChart({
    id: "chart-ram",
    title: "Free RAM (MB)",
    yMin: 0,
    yMax: total,
    formatY: (value) => String(Math.round(value)),
    series: [{ label: "MB free", color: COLORS.ram, points, line: true, dots: true }],
  });
}

function renderChart(options: ChartOptions): string {
  const plotX = MARGIN.left;
  const plotY = MARGIN.top;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = options.series.flatMap((series) => series.points.map((point) => point.x));
  const title = escapeHtml(options.title);
  const parts = [
    `<svg class="chart" id="${options.id}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}" font-family="sans-serif" font-size="9">`,
    `<title>${title}</title>`,
    `<text x="${plotX}" y="12" font-size="11" font-weight="bold">${title}</text>`,
    renderLegend(options.series),
    `<rect x="${plotX}" y="${plotY}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#bbb"/>`,
  ];
  if (xs.length === 0) {
    parts.push(
      `<text x="${plotX + plotWidth / 2}" y="${plotY + plotHeight / 2}" text-anchor="middle" fill="#777">no data yet</text>`,
      "</svg>",
    );
    return parts.join("");
  }
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const ySpan = options.yMax - options.yMin || 1;
  const toX = (x: number): number =>
    round(plotX + (xMax === xMin ? plotWidth / 2 : ((x - xMin) / (xMax - xMin)) * plotWidth));
  const toY = (y: number): number =>
    round(plotY + (1 - (clamp(y, options.yMin, options.yMax) - options.yMin) / ySpan) * plotHeight);
  for (const tick of [options.yMin, (options.yMin + options.yMax) / 2, options.yMax]) {
    const label = escapeHtml(options.formatY(round(tick)));
    parts.push(`<line x1="${plotX}" y1="${toY(tick)}" x2="${plotX + plotWidth}" y2="${toY(tick)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${plotX - 3}" y="${toY(tick) + 3}" text-anchor="end">${label}</text>`);
  }
  for (const tick of new Set([xMin, Math.round((xMin + xMax) / 2), xMax])) {
    parts.push(`<text x="${toX(tick)}" y="${HEIGHT - 6}" text-anchor="middle">${tick}</text>`);
  }
  for (const series of options.series) {
    const coords = series.points.map((point) => `${toX(point.x)},${toY(point.y)}`);
    if (series.line && coords.length > 1) {
      parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="1.5" points="${coords.join(" ")}"/>`);
    }
    if (series.dots) {
      const dots = series.points.map(
        (point) =>
          `<circle cx="${toX(point.x)}" cy="${toY(point.y)}" r="2.2"><title>cycle ${point.x}: ${escapeHtml(options.formatY(round(point.y)))}</title></circle>`,
      );
      parts.push(`<g fill="${series.color}">${dots.join("")}</g>`);
    }
  }
  parts.push("</svg>");
  return parts.join("");
}

function renderLegend(series: readonly ChartSeries[]): string {
  let x = WIDTH - MARGIN.right;
  const items: string[] = [];
  for (const each of [...series].reverse()) {
    const label = escapeHtml(each.label);
    x -= label.length * 5 + 16;
    items.push(
      `<rect x="${x}" y="18" width="8" height="8" fill="${each.color}"/><text x="${x + 11}" y="25">${label}</text>`,
    );
  }
  return items.join("");
}

/** The smallest of 1, 2, 4, 6, 8 or 10 times a power of ten that is at least `value`: an axis end whose half is round too. */
function roundUpNicely(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 4, 6, 8, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
