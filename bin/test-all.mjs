#!/usr/bin/env node
// `npm test`: type check, lint, unit tests, integration tests (real Postgres, Redis, DuckDB), the
// production build, the Python client's tests (pytest against the real servers, test/python/run.ts)
// and the browser tests in Chromium — then one summary line.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";

const out = ".data/test-reports";
mkdirSync(out, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

function run(name, cmd, args, report, extraEnv = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(" ")}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extraEnv } });
  console.log(`=== ${name}: exit ${r.status} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (report && existsSync(report.path)) report.count(JSON.parse(readFileSync(report.path, "utf8")));
  if (r.status !== 0) failedSteps.push(name);
  return r.status === 0;
}

const vitestReport = (path) => ({
  path,
  count(j) {
    totals.passed += j.numPassedTests ?? 0;
    totals.failed += j.numFailedTests ?? 0;
    totals.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  },
});
const playwrightReport = (path) => ({
  path,
  count(j) {
    totals.passed += (j.stats?.expected ?? 0) + (j.stats?.flaky ?? 0);
    totals.failed += j.stats?.unexpected ?? 0;
    totals.skipped += j.stats?.skipped ?? 0;
  },
});
/** {passed, failed, skipped} as test/python/run.ts writes it from pytest's JUnit XML. */
const countsReport = (path) => ({
  path,
  count(j) {
    totals.passed += j.passed ?? 0;
    totals.failed += j.failed ?? 0;
    totals.skipped += j.skipped ?? 0;
  },
});

run("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]);
run("lint", "npx", ["eslint", ".", "--max-warnings", "0"]);
const unit = vitestReport(`${out}/unit.json`);
run("unit", "npx", ["vitest", "run", "--project", "unit", "--reporter=default", "--reporter=json", `--outputFile.json=${unit.path}`], unit);
const integ = vitestReport(`${out}/integration.json`);
run("integration", "npx", ["vitest", "run", "--project", "integration", "--reporter=default", "--reporter=json", `--outputFile.json=${integ.path}`], integ);
if (existsSync("playwright.config.ts")) {
  if (run("build", "npx", ["next", "build"])) {
    const py = countsReport(`${out}/python.json`);
    run("python", process.execPath, ["--conditions=react-server", "--import", "tsx", "test/python/run.ts", "--report", py.path], py);
    const e2e = playwrightReport(`${out}/e2e.json`);
    run("e2e", "npx", ["playwright", "test", "--reporter=list,json"], e2e, { PLAYWRIGHT_JSON_OUTPUT_NAME: e2e.path });
  }
}

console.log(`\nsteps failed: ${failedSteps.length ? failedSteps.join(", ") : "none"}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length ? 1 : 0);
