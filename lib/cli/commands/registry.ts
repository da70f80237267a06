// `larder plan|apply <dir>` (through the API with LARDER_URL / LARDER_TOKEN, or `--local` straight
// against the database for bootstrap and demos) and `larder schema` (the repo JSON Schema).
import "server-only";
import type { Command } from "commander";
import { env } from "../../config/env";
import { disconnectDb } from "../../db/client";
import { closeQueues } from "../../queues/contracts";
import { isLarderError, type InvalidParam } from "../../errors";
import { LarderHttpError, createClient } from "../../client/http";
import { repoFileJsonSchemaText } from "../../registry/json-schema";
import { loadRepo, type LoadedRepo } from "../../registry/load-repo";
import type { ApplyResult, Plan } from "../../registry/plan-schema";
import { renderPlan } from "../../registry/plan-repo";

interface RepoCommandOptions {
  prune?: boolean;
  local?: boolean;
  verbose?: boolean;
}

/** Prints an error with every invalid param on its own line, naming file and object when known. */
export function formatCliError(err: unknown): string {
  let message = (err as Error)?.message ?? String(err);
  let params: InvalidParam[] = [];
  let extra: string[] = [];
  if (isLarderError(err)) params = err.invalidParams ?? [];
  if (err instanceof LarderHttpError && err.problem) {
    message = err.problem.detail;
    params = err.problem.invalid_params ?? [];
    const conflicts = (err.problem as { conflicts?: { kind: string; name: string; dependents: string[] }[] }).conflicts ?? [];
    extra = conflicts.map((c) => `  - ${c.kind} ${c.name} is used by ${c.dependents.join(", ")}`);
  }
  const lines = [`error: ${message}`];
  for (const p of params) {
    const where = [p.file, p.object].filter(Boolean).join(": ");
    lines.push(`  - ${where ? `${where}: ` : ""}${p.name}: ${p.reason}`);
  }
  return [...lines, ...extra].join("\n");
}

async function runRepoCommand(kind: "plan" | "apply", dir: string, opts: RepoCommandOptions): Promise<void> {
  let loaded: LoadedRepo;
  try {
    loaded = await loadRepo(dir);
    if (opts.local) {
      // Direct database access: the bootstrap/demo path; a system actor may create the project.
      const actor = { kind: "system" as const, label: "cli --local" };
      if (kind === "plan") {
        const { planRepo } = await import("../../registry/plan-repo");
        console.log(renderPlan(await planRepo({ repo: loaded.repo, prune: opts.prune, origins: loaded.origins }), { showUnchanged: opts.verbose }));
      } else {
        const { applyRepo } = await import("../../registry/apply-repo");
        const r = await applyRepo({ repo: loaded.repo, prune: opts.prune, origins: loaded.origins, actor, projectCreate: true });
        printApplied(r, opts);
      }
      return;
    }
    const e = env();
    if (!e.LARDER_TOKEN) console.error("warning: LARDER_TOKEN is not set; the API will answer 401 (use --local to work on the database directly).");
    const client = createClient({ baseUrl: e.LARDER_URL, token: e.LARDER_TOKEN });
    const path = `/api/v1/projects/${encodeURIComponent(loaded.repo.project)}/${kind}`;
    const body = { repo: loaded.repo, prune: opts.prune ?? false, origins: loaded.origins };
    if (kind === "plan") console.log(renderPlan(await client.request<Plan>("POST", path, body), { showUnchanged: opts.verbose }));
    else printApplied(await client.request<ApplyResult>("POST", path, body), opts);
  } catch (err) {
    console.error(formatCliError(err));
    process.exitCode = 1;
  } finally {
    if (opts.local) {
      await disconnectDb();
      await closeQueues(); // apply's after-change step synced cron schedulers through BullMQ
    }
  }
}

function printApplied(r: ApplyResult, opts: RepoCommandOptions): void {
  console.log(renderPlan(r.plan, { showUnchanged: opts.verbose }));
  console.log(r.applied ? "Applied." : "Nothing to apply.");
  for (const v of r.versions) console.log(`  ${v.view}: v${v.version}`);
}

export function registerRegistryCommands(program: Command): void {
  for (const kind of ["plan", "apply"] as const) {
    program
      .command(`${kind} <dir>`)
      .description(kind === "plan" ? "show what apply would do with the feature repo in <dir> (changes nothing)" : "apply the feature repo in <dir> in one transaction")
      .option("--prune", "archive objects the repo no longer defines", false)
      .option("--local", "work on DATABASE_URL directly instead of the API (bootstrap/demo; creates the project)", false)
      .option("-v, --verbose", "also list unchanged objects", false)
      .action((dir: string, opts: RepoCommandOptions) => runRepoCommand(kind, dir, opts));
  }
  program
    .command("schema")
    .description("print the JSON Schema of a feature repo YAML file (docs/feature-repo.schema.json)")
    .action(() => {
      process.stdout.write(repoFileJsonSchemaText());
    });
}
