// The status page: one small server-rendered HTML document (no script) built from a StatusReport; every string from the state dir is escaped.
import type { CycleRecord } from "../memory/db.js";
import { describeEvent } from "../events/describe-event.js";
import { escapeHtml } from "./escape-html.js";
import { renderFreeRamChart, renderLessonsChart, renderSuccessChart, renderTemperatureChart } from "./status-charts.js";
import type { DbFigures, StatusReport } from "./status-report.js";
import { describeCycleTokens } from "../record/cycle-tokens.js";

/** Options of {@link renderStatusPage}. */
export interface PageOptions {
  /** Link to the JSON view; carries the token query when the page was loaded with one. */
  jsonHref: string;
  /** Seconds between automatic reloads; 0 turns reloading off. Defaults to `30`. */
  refreshSeconds?: number;
}

/** Longest model-written summary or lesson text shown, in characters; the rest is in /status.json. */
const MAX_TEXT_CHARS = 240;
/** Sensor readings listed under the sensor charts, newest first. */
const SENSOR_ROWS = 10;

const STYLE = [
  "body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:0 .6rem 1rem;color:#222;background:#fff}",
  "h1{font-size:1.3rem;margin:.6rem 0 0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem;border-bottom:1px solid #ddd}",
  ".dir,.note,footer{color:#666;font-size:.85rem}code{font-size:.9em}",
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.4rem 0}dt{color:#555}dd{margin:0}",
  ".figures{display:flex;flex-wrap:wrap;gap:.4rem;padding:0;list-style:none}.figures li{border:1px solid #ddd;border-radius:6px;padding:.3rem .6rem}",
  ".figures b{font-size:1.2rem;margin-right:.25rem}",
  ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:.6rem}.chart{width:100%;height:auto}",
  ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.85rem}",
  "th,td{text-align:left;vertical-align:top;padding:.2rem .4rem;border-bottom:1px solid #eee}td.num,th.num{text-align:right}",
  "table.compact{width:auto}.nowrap{white-space:nowrap}td.text{min-width:11rem;overflow-wrap:anywhere}",
  ".ran,.yes{color:#1b7f3b}.failed,.no,.interrupted{color:#b03a2e}.skipped,.stopped{color:#8a6d00}small{color:#666;display:block}",
  ".error{border:2px solid #b03a2e;border-radius:6px;padding:.2rem .8rem;background:#fdf1f0}",
].join("\n");

/** Renders the page. Pure: the same report and options give the same bytes. */
export function renderStatusPage(report: StatusReport, options: PageOptions): string {
  const refreshSeconds = options.refreshSeconds ?? 30;
  const db = report.db.status === "ok" ? report.db : undefined;
  const body = [
    `<header><h1>Apprentice status</h1><p class="dir">${escapeHtml(report.stateDir)}</p></header>`,
    renderOverview(report, db),
    report.db.status === "unreadable" ? renderUnreadable(report.db.reason) : "",
    db ? renderLearning(db) : "",
    db ? renderCycles(db) : "",
    db ? renderLessons(db) : "",
    db ? renderSensors(db) : "",
    `<footer>Generated ${formatTime(report.generatedAt)}${refreshSeconds > 0 ? ` · reloads every ${refreshSeconds} s` : ""} · <a href="${escapeHtml(options.jsonHref)}">status.json</a> · times are local</footer>`,
  ];
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : "",
    '<link rel="icon" href="data:,">',
    `<title>Apprentice status</title><style>${STYLE}</style></head>`,
    `<body>${body.filter((part) => part.length > 0).join("\n")}</body></html>`,
    "",
  ].join("\n");
}

function renderOverview(report: StatusReport, db: DbFigures | undefined): string {
  const now = new Date(report.generatedAt);
  const running = report.daemon.status === "running";
  const rows: Array<[string, string]> = [["Daemon", renderDaemon(report.daemon)]];
  if (db?.inProgress) {
    const { cycle, startedAt, events } = db.inProgress;
    rows.push([
      "Cycle",
      running
        ? `cycle ${cycle} running since ${formatTime(startedAt)}`
        : `cycle ${cycle} was interrupted (recorded at the next start)`,
    ]);
    if (events.length > 0)
      rows.push([
        "So far",
        `<ol id="running-events">${events.map((event) => `<li>${escapeHtml(describeEvent(event))}</li>`).join("")}</ol>`,
      ]);
  } else if (db?.lastEndedAt !== undefined) {
    rows.push(["Last cycle", `ended ${formatTime(db.lastEndedAt)} (${formatAgo(now, db.lastEndedAt)})`]);
  }
  const lastRecord = db?.recentCycles[0];
  if (lastRecord !== undefined)
    rows.push(["Last tokens", `<span id="last-tokens">${escapeHtml(describeCycleTokens(lastRecord.tokens))}</span>`]);
  rows.push(["Next wake", renderNextWake(report, now, running)]);
  if (db?.lastSkip)
    rows.push([
      "Last skip",
      `${formatTime(db.lastSkip.at)}: ${escapeHtml(db.lastSkip.reason)} <small>${escapeHtml(db.lastSkip.detail)}</small>`,
    ]);
  const list = `<dl>${rows.map(([term, detail]) => `<dt>${term}</dt><dd>${detail}</dd>`).join("")}</dl>`;
  if (!db) return `<section id="overview"><h2>Now</h2>${list}</section>`;
  const { success, lessons } = db;
  const rate = success.percent !== undefined ? `${success.percent}%` : "–";
  const figures = [
    renderCycleFigure(db),
    `<li><b id="fig-success">${rate}</b>goals met <small>${success.met} of ${success.checked} checked cycles, last ${db.curve.length}</small></li>`,
    `<li><b id="fig-lessons">${lessons.active}</b>active lessons</li>`,
    `<li><b id="fig-skills">${db.skills.active}</b>skills</li>`,
  ];
  return `<section id="overview"><h2>Now</h2>${list}<ul class="figures">${figures.join("")}</ul></section>`;
}

/**
 * The cycles figure: the cycles the state holds, and, after a rollback, the numbers it undid (numbering goes on, so
 * the last number alone would count cycles that no longer exist).
 */
function renderCycleFigure(db: DbFigures): string {
  const undone = db.undoneCycles ?? [];
  if (undone.length === 0) return `<li><b id="fig-cycles">${db.cycleCount}</b>cycles</li>`;
  const held = db.cycleCount - undone.reduce((sum, gap) => sum + gap.to - gap.from + 1, 0);
  const ranges = undone.map((gap) => (gap.from === gap.to ? `${gap.from}` : `${gap.from}–${gap.to}`)).join(", ");
  return `<li><b id="fig-cycles">${held}</b>cycles <small id="undone-cycles">numbered to ${db.cycleCount}; ${ranges} undone by a rollback</small></li>`;
}

function renderDaemon(daemon: StatusReport["daemon"]): string {
  switch (daemon.status) {
    case "running":
      return `<span class="yes">running</span>, pid ${daemon.pid} on ${escapeHtml(daemon.hostname)}, since ${formatTime(daemon.since)}`;
    case "stopped":
      return `<span class="no">not running</span>`;
    case "unknown":
      return `unknown <small>${escapeHtml(daemon.reason)}</small>`;
  }
}

function renderNextWake(report: StatusReport, now: Date, running: boolean): string {
  const { schedule } = report;
  if (schedule.status === "unreadable")
    return `unknown: config unreadable <small>${escapeHtml(schedule.reason)}</small>`;
  const cron = `<code>${escapeHtml(schedule.cron)}</code>`;
  if (schedule.nextWakeAt === undefined) return `on schedule ${cron} (no run found ahead)`;
  const when = `${formatTime(schedule.nextWakeAt)} (${formatIn(now, schedule.nextWakeAt)})`;
  const also = running ? "; earlier when a file lands in inbox/ or goals/charter change" : "";
  return `${running ? when : `${when} if the daemon runs`}, on schedule ${cron}${also}`;
}

function renderUnreadable(reason: string): string {
  return [
    '<section id="state-unreadable" class="error"><h2>State unreadable</h2>',
    `<p>state unreadable: ${escapeHtml(reason)}</p>`,
    '<p class="note">Cycles, lessons and sensors cannot be shown. The daemon moves an unusable db.json aside (db.json.corrupt-&lt;time&gt;) when it next opens the state.</p>',
    "</section>",
  ].join("");
}

function renderLearning(db: DbFigures): string {
  return `<section id="learning"><h2>Learning curve</h2><div class="charts">${renderSuccessChart(db.curve)}${renderLessonsChart(db.curve)}</div></section>`;
}

function renderCycles(db: DbFigures): string {
  if (db.recentCycles.length === 0)
    return '<section id="cycles"><h2>Last cycles</h2><p class="note">No cycles yet.</p></section>';
  const head =
    "<tr><th class=num>#</th><th>time</th><th>status</th><th class=num>duration</th><th>summary</th><th>goals met</th><th class=num>learned</th><th class=num>tokens</th></tr>";
  const rows = db.recentCycles.map(renderCycleRow).join("");
  const caption = `last ${db.recentCycles.length} of ${db.cycleCount}, newest first`;
  return `<section id="cycles"><h2>Last cycles</h2><p class="note">${caption}</p><div class="scroll"><table id="cycles-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div></section>`;
}

function renderCycleRow(record: CycleRecord): string {
  const reason = record.reason !== undefined ? `<small>${escapeHtml(clampText(record.reason))}</small>` : "";
  const goals = renderGoalVerdicts(record);
  const steps =
    record.steps > 0
      ? `<small>${record.steps} steps${record.failedSteps > 0 ? `, ${record.failedSteps} failed` : ""}</small>`
      : "";
  return [
    `<tr><td class=num>${record.cycle}</td>`,
    `<td class=nowrap title="${formatTime(record.startedAt)}">${formatShortTime(record.startedAt)}</td>`,
    `<td><span class="${escapeHtml(record.status)}">${escapeHtml(record.status)}</span>${reason}</td>`,
    `<td class="num nowrap">${formatDuration(record.durationMs)}</td>`,
    `<td class=text>${escapeHtml(clampText(record.summary ?? ""))}${steps}</td>`,
    `<td>${goals}</td>`,
    `<td class=num>${record.learned ?? "–"}</td>`,
    `${renderTokensCell(record)}</tr>`,
  ].join("");
}

/**
 * The "tokens" cell: the first step's prompt tokens, and what the cycle's model-decided steps evaluated, reused and
 * generated; the whole journal line (each section's tokens) in the tooltip. `–` when the model decided no step.
 */
function renderTokensCell(record: CycleRecord): string {
  const { tokens } = record;
  const line = escapeHtml(describeCycleTokens(tokens));
  if (tokens === undefined) return `<td class="num tokens" title="${line}">–</td>`;
  const figures = `evaluated ${tokens.evaluated} · reused ${tokens.reused} · generated ${tokens.generated}`;
  return `<td class="num tokens nowrap" title="${line}">prompt ${tokens.prompt}<small>${figures}</small></td>`;
}

/**
 * The "goals met" cell: `1 of 2` and each due goal with its verdict (✓ met, ✗ unmet, · unchecked; how it was met in
 * the tooltip); yes/no for a record from before per-goal verdicts were kept.
 */
function renderGoalVerdicts(record: CycleRecord): string {
  if (record.goals === undefined || record.goals.length === 0) {
    return record.goalsMet === undefined
      ? "–"
      : record.goalsMet
        ? '<span class="yes">yes</span>'
        : '<span class="no">no</span>';
  }
  const met = record.goals.filter((goal) => goal.verdict === "met").length;
  const items = record.goals.map((goal) => {
    const [mark, style] =
      goal.verdict === "met" ? ["✓", "yes"] : goal.verdict === "unmet" ? ["✗", "no"] : ["·", "unchecked"];
    const title = `${goal.verdict}${goal.by !== undefined ? ` by ${goal.by}` : ""}`;
    return `<span class="${style}" title="${escapeHtml(title)}">${mark} ${escapeHtml(goal.id)}</span>`;
  });
  const style = met === record.goals.length ? "yes" : "no";
  return `<span class="${style}">${met} of ${record.goals.length}</span><small>${items.join(" ")}</small>`;
}

function renderLessons(db: DbFigures): string {
  const { counts, active, shown } = db.lessons;
  const summary = `<p id="lesson-counts">pinned <b>${counts.pinned}</b> · trusted <b>${counts.trusted}</b> · provisional <b>${counts.provisional}</b> · retired <b>${counts.retired}</b> · skills <b>${db.skills.active}</b> active, <b>${db.skills.retired}</b> retired</p>`;
  if (shown.length === 0)
    return `<section id="lessons"><h2>Lessons</h2>${summary}<p class="note">No active lessons.</p></section>`;
  const head = "<tr><th>id</th><th>kind</th><th>status</th><th>text</th><th class=num>helpful / harmful</th></tr>";
  const rows = shown
    .map(
      (lesson) =>
        `<tr><td>${escapeHtml(lesson.id)}</td><td>${escapeHtml(lesson.kind)}</td><td>${escapeHtml(lesson.status)}<small>${escapeHtml(lesson.source)}</small></td>` +
        `<td class=text>${escapeHtml(clampText(lesson.text))}</td><td class=num>${lesson.helpful} / ${lesson.harmful}</td></tr>`,
    )
    .join("");
  const more = active > shown.length ? `<p class="note">and ${active - shown.length} more in lessons.md</p>` : "";
  return `<section id="lessons"><h2>Lessons</h2>${summary}<div class="scroll"><table id="lessons-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div>${more}</section>`;
}

function renderSensors(db: DbFigures): string {
  const readings = db.curve
    .filter((point) => point.availableRamMB !== undefined || point.cpuTempC !== undefined)
    .slice(-SENSOR_ROWS)
    .reverse();
  const charts = `<div class="charts">${renderTemperatureChart(db.curve)}${renderFreeRamChart(db.curve)}</div>`;
  if (readings.length === 0)
    return `<section id="sensors"><h2>Sensors</h2>${charts}<p class="note">No sensor readings recorded yet.</p></section>`;
  const head =
    "<tr><th class=num>cycle</th><th class=num>CPU</th><th class=num>free RAM</th><th class=num>of total</th></tr>";
  const rows = readings
    .map(
      (point) =>
        `<tr><td class=num>${point.cycle}</td><td class=num>${point.cpuTempC !== undefined ? `${point.cpuTempC.toFixed(1)} °C` : "–"}</td>` +
        `<td class=num>${point.availableRamMB !== undefined ? `${Math.round(point.availableRamMB)} MB` : "–"}</td>` +
        `<td class=num>${point.totalRamMB !== undefined ? `${Math.round(point.totalRamMB)} MB` : "–"}</td></tr>`,
    )
    .join("");
  return `<section id="sensors"><h2>Sensors</h2>${charts}<div class="scroll"><table id="sensors-table" class="compact"><thead>${head}</thead><tbody>${rows}</tbody></table></div></section>`;
}

function clampText(text: string): string {
  return text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS - 1)}…` : text;
}

/** Local time as `YYYY-MM-DD HH:MM:SS`; an unparseable time is shown as it was stored, escaped. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return escapeHtml(iso);
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Local time as `MM-DD HH:MM`, for table cells on a phone. */
function formatShortTime(iso: string): string {
  const full = formatTime(iso);
  return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(full) ? full.slice(5, 16) : full;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function formatIn(now: Date, iso: string): string {
  return `in ${formatSpan(new Date(iso).getTime() - now.getTime())}`;
}

function formatAgo(now: Date, iso: string): string {
  const ms = now.getTime() - new Date(iso).getTime();
  return Number.isNaN(ms)
    ? "at an unknown time"
    : ms < 0
      ? `${formatSpan(-ms)} ahead of this clock`
      : `${formatSpan(ms)} ago`;
}

function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${Math.round(hours * 10) / 10} h` : `${Math.round((hours / 24) * 10) / 10} d`;
}
