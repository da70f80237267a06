// `larder status -p P` — the project's health, as on the console overview (GET …/health-report):
// failing jobs, stale views, failing rules, drifting features, skew, each with its evidence link.
// Exit code 0 when healthy, 1 when failing, 0 with a warning line otherwise.
import "server-only";
import type { Command } from "commander";
import { env } from "../../config/env";
import { createClient, type LarderClient } from "../../client/http";
import type { HealthReport } from "../../monitoring/health-schema";
import { projectOption } from "../project-option";

const SECTIONS: [keyof Pick<HealthReport, "failingJobs" | "staleViews" | "failingRules" | "driftingFeatures" | "skew">, string][] = [
  ["failingJobs", "Failing jobs"],
  ["staleViews", "Stale views"],
  ["failingRules", "Failing data-quality rules"],
  ["driftingFeatures", "Drifting features"],
  ["skew", "Training/serving skew"],
];

/** The report as text lines (what the command prints). */
export function formatHealth(r: HealthReport, baseUrl: string): string[] {
  const base = baseUrl.replace(/\/+$/, "");
  const lines = [`${r.project}: ${r.status.toUpperCase()} (as of ${r.generatedAt})`];
  for (const [key, title] of SECTIONS) {
    const items = r[key];
    lines.push("", `${title}: ${items.length}`);
    for (const i of items) lines.push(`  ${i.severity === "failing" ? "✗" : "!"} ${i.summary}`, `    since ${i.since}  ${base}${i.href}`);
  }
  lines.push("", "Views:");
  for (const v of r.views) lines.push(`  ${v.state.padEnd(8)} ${v.name}`);
  return lines;
}

export function registerStatusCommand(program: Command, deps: { client?: () => LarderClient; out?: (line: string) => void } = {}): void {
  const out = deps.out ?? ((l: string) => console.log(l));
  program
    .command("status")
    .description("the project's health: failing jobs, stale views, failing rules, drifting features, skew")
    .addOption(projectOption())
    .option("--json", "print the report as JSON")
    .action(async (o: { project: string; json?: boolean }) => {
      const e = env();
      const c = deps.client?.() ?? createClient({ baseUrl: e.LARDER_URL, token: e.LARDER_TOKEN });
      const r = await c.request<HealthReport>("GET", `/api/v1/projects/${encodeURIComponent(o.project)}/health-report`);
      if (o.json) out(JSON.stringify(r, null, 2));
      else for (const l of formatHealth(r, e.PUBLIC_URL)) out(l);
      if (r.status === "failing") process.exitCode = 1;
    });
}
