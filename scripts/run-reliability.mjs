// The reliability suite: runs every property in dist/test/reliability (modules exporting `property`) one after the
// other and prints one line per property with its figures, then `N passed, N failed`. Exit 1 when any failed.
//
//   node scripts/run-reliability.mjs [--quick] [--seed N] [--only NAME[,NAME]]
//
// --quick is the small variant that `npm test` runs; without it every property runs at full size.
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("usage: node scripts/run-reliability.mjs [--quick] [--seed N] [--only NAME[,NAME]]");
  process.exit(0);
}
const seed = Number.parseInt(values.seed, 10);
if (!Number.isSafeInteger(seed)) {
  console.error(`--seed takes a whole number, not ${JSON.stringify(values.seed)}`);
  process.exit(2);
}
const only = values.only
  ?.split(",")
  .map((name) => name.trim())
  .filter(Boolean);

const dir = path.resolve("dist/test/reliability");
let files;
try {
  files = readdirSync(dir)
    .filter((name) => name.endsWith(".js") && !name.endsWith(".test.js"))
    .sort();
} catch {
  console.error(`no ${dir}: run \`npm run build\` first`);
  process.exit(2);
}
const properties = [];
for (const file of files) {
  const module = await import(pathToFileURL(path.join(dir, file)).href);
  if (module.property !== undefined) properties.push(module.property);
}
const selected = properties.filter((property) => only === undefined || only.includes(property.name));
if (only !== undefined && selected.length !== only.length) {
  const known = properties.map((property) => property.name).join(", ");
  console.error(`unknown property in --only; the properties are: ${known}`);
  process.exit(2);
}

console.log(
  `reliability (${values.quick ? "quick" : "full size"}, seed ${seed}): ${selected.map((property) => property.name).join(", ")}`,
);
let passed = 0;
let failed = 0;
for (const property of selected) {
  const started = performance.now();
  let result;
  try {
    result = await property.run({ quick: values.quick, seed });
  } catch (error) {
    result = {
      ok: false,
      figures: "threw",
      failures: [error instanceof Error ? (error.stack ?? error.message) : String(error)],
    };
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${result.ok ? "✔" : "✖"} ${property.name}: ${result.figures} (${seconds} s)`);
  for (const failure of result.failures.slice(0, 20)) console.log(`    ${failure}`);
  if (result.failures.length > 20) console.log(`    … and ${result.failures.length - 20} more`);
  if (result.ok) passed += 1;
  else failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
