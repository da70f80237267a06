// Semantic validation of a repo against the registry: references, duplicates, durations, cron,
// name collisions, columns, and transforms parsed by DuckDB. Every problem is collected and
// reported at once, each naming the field, the object and (when known) the file.
import "server-only";
import { CronExpressionParser } from "cron-parser";
import { env } from "../config/env";
import { SandboxTimeout, withDeadline, withSandbox } from "../duckdb/sandbox";
import { LarderError, type InvalidParam } from "../errors";
import { sandboxRootsFor } from "./data-roots";
import { compileView } from "./compile-view";
import type { EntityKeys } from "./definition-hash";
import { parseDuration } from "./duration";
import { FEATURE_REF_HELP, parseFeatureRef } from "../shared/feature-refs";
import type { RegistryState } from "./registry-state";
import { ProblemList, type RepoOrigins, type RepoSection } from "./repo-origins";
import { aggregationFeatureName, type FeatureViewDef, type RepoDef, type SourceDef } from "./repo-schema";
import { analyzeTransform, describeSource, isNumericType, type ColumnTypes, type SourceColumns } from "./transform-columns";
import { monitoringProblems } from "./monitoring-config";

/** How long one source schema read or transform bind may take at plan time. */
const PLAN_SQL_DEADLINE_MS = 15_000;

function timeoutNote(e: unknown): SourceColumns {
  if (e instanceof SandboxTimeout) return { columns: null, relationSql: null, note: `not checked: ${e.message}` };
  throw e;
}

/** Column names every offline-store partition has besides the view's own columns. */
export const RESERVED_COLUMNS = ["event_timestamp", "created_timestamp"];

export interface ValidateOptions {
  registry: RegistryState;
  origins?: RepoOrigins;
}

export interface ValidationResult {
  problems: InvalidParam[];
  /** Things not checked or worth knowing (e.g. a source file that does not exist yet). */
  warnings: string[];
}

const list = (names: Iterable<string>) => {
  const a = [...names];
  return a.length ? a.join(", ") : "(none)";
};

/** The entities a repo can reference: its own plus the registry's live ones. */
export function entityKeysFor(repo: RepoDef, state: RegistryState, name: string): EntityKeys | undefined {
  const e = repo.entities.find((x) => x.name === name);
  if (e) return e;
  const s = state.entities.get(name);
  return s && !s.archived ? { name: s.name, join_keys: s.joinKeys } : undefined;
}

export function sourceFor(repo: RepoDef, state: RegistryState, name: string): SourceDef | undefined {
  const s = repo.sources.find((x) => x.name === name);
  if (s) return s;
  const r = state.sources.get(name);
  return r && !r.archived ? (r.definition as SourceDef) : undefined;
}

/**
 * The version a repo view will have after apply (same as the latest when its values are unchanged)
 * and its feature names; null when its references do not resolve.
 */
export function plannedViewVersion(repo: RepoDef, state: RegistryState, view: FeatureViewDef): number | null {
  const entities = view.entities.map((n) => entityKeysFor(repo, state, n));
  const source = sourceFor(repo, state, view.source);
  if (entities.some((e) => !e) || !source) return null;
  const hash = compileView(view, entities as EntityKeys[], source).hash;
  const existing = state.views.get(view.name);
  if (!existing) return 1;
  return existing.versions.get(existing.latestVersion)?.definitionHash === hash ? existing.latestVersion : existing.latestVersion + 1;
}

function checkDuplicates(repo: RepoDef, p: ProblemList): void {
  for (const section of ["entities", "sources", "feature_views", "feature_services", "models"] as RepoSection[]) {
    const seen = new Map<string, number>();
    (repo[section] as { name: string }[]).forEach((o, i) => {
      const first = seen.get(o.name);
      if (first === undefined) return void seen.set(o.name, i);
      const where = p.fileOf(section, first);
      p.at(section, i, o.name, ["name"], `duplicate name "${o.name}": already defined${where ? ` in ${where}` : ""} (${section}[${first}]); names are unique per kind`);
    });
  }
}

function checkCron(expr: string): string | null {
  try {
    CronExpressionParser.parse(expr);
    return null;
  } catch (e) {
    return `invalid cron expression "${expr}": ${(e as Error).message}; use five fields like "0 * * * *" (hourly)`;
  }
}

async function checkViewColumns(
  repo: RepoDef,
  state: RegistryState,
  p: ProblemList,
  warnings: string[],
  describeCached: (name: string, s: SourceDef) => Promise<SourceColumns>,
  analyze: (transform: string, src: SourceColumns) => ReturnType<typeof analyzeTransform>,
): Promise<void> {
  for (const [i, v] of repo.feature_views.entries()) {
    const source = sourceFor(repo, state, v.source);
    if (!source) continue;
    const srcCols = await describeCached(v.source, source);
    let columns: ColumnTypes | null = srcCols.columns;
    let note = srcCols.note;
    if (v.transform) {
      const a = await analyze(v.transform, srcCols);
      if (!a.ok) {
        p.at("feature_views", i, v.name, ["transform"], a.reason);
        continue;
      }
      columns = a.columns;
      note = a.note;
    }
    if (!columns) {
      warnings.push(`feature_view ${v.name}: columns not checked (${note ?? "unknown source columns"})`);
      continue;
    }
    const what = v.transform ? "the transform's output" : `source ${v.source}`;
    const have = `columns: ${list(columns.keys())}`;
    if (!columns.has(source.timestamp_field)) {
      p.at("feature_views", i, v.name, [v.transform ? "transform" : "source"], `${what} has no timestamp column "${source.timestamp_field}" (the source's timestamp_field); ${have}`);
    }
    if (source.created_timestamp_field && !columns.has(source.created_timestamp_field)) {
      p.at("feature_views", i, v.name, [v.transform ? "transform" : "source"], `${what} has no created timestamp column "${source.created_timestamp_field}"; ${have}`);
    }
    v.entities.forEach((en, j) => {
      for (const k of entityKeysFor(repo, state, en)?.join_keys ?? []) {
        if (!columns.has(k.name)) p.at("feature_views", i, v.name, ["entities", j], `join key "${k.name}" of entity ${en} is not a column of ${what}; ${have}`);
      }
    });
    v.features.forEach((f, k) => {
      if (!columns.has(f.name)) p.at("feature_views", i, v.name, ["features", k, "name"], `feature "${f.name}" is not a column of ${what}; ${have}`);
    });
    v.aggregations.forEach((a, k) => {
      const t = columns.get(a.column);
      if (t === undefined) {
        p.at("feature_views", i, v.name, ["aggregations", k, "column"], `aggregation column "${a.column}" is not a column of ${what}; ${have}`);
      } else if (["sum", "avg", "stddev"].includes(a.function) && !isNumericType(t)) {
        p.at("feature_views", i, v.name, ["aggregations", k, "function"], `${a.function} needs a numeric column; "${a.column}" is ${t}`);
      }
    });
  }
}

/** Collects every problem of the repo (empty = valid). Does not throw for repo problems. */
export async function collectRepoProblems(repo: RepoDef, opts: ValidateOptions): Promise<ValidationResult> {
  const state = opts.registry;
  const p = new ProblemList(opts.origins);
  const warnings: string[] = [];
  checkDuplicates(repo, p);

  repo.entities.forEach((e, i) => {
    const seen = new Set<string>();
    e.join_keys.forEach((k, j) => {
      if (seen.has(k.name)) p.at("entities", i, e.name, ["join_keys", j, "name"], `join key "${k.name}" is listed twice`);
      seen.add(k.name);
    });
  });

  repo.sources.forEach((s, i) => {
    if (s.created_timestamp_field && s.created_timestamp_field === s.timestamp_field) {
      p.at("sources", i, s.name, ["created_timestamp_field"], "the created timestamp field must differ from timestamp_field");
    }
    if (s.kind === "push") {
      const seen = new Set<string>();
      s.schema.forEach((c, j) => {
        if (seen.has(c.name)) p.at("sources", i, s.name, ["schema", j, "name"], `column "${c.name}" is listed twice`);
        seen.add(c.name);
      });
    }
  });

  const repoEntityNames = () => list(new Set([...repo.entities.map((e) => e.name), ...[...state.entities.values()].filter((e) => !e.archived).map((e) => e.name)]));
  const repoSourceNames = () => list(new Set([...repo.sources.map((e) => e.name), ...[...state.sources.values()].filter((e) => !e.archived).map((e) => e.name)]));

  repo.feature_views.forEach((v, i) => {
    const joinKeys = new Set<string>();
    v.entities.forEach((en, j) => {
      const e = entityKeysFor(repo, state, en);
      if (!e) p.at("feature_views", i, v.name, ["entities", j], `unknown entity "${en}"; defined entities: ${repoEntityNames()}`);
      else e.join_keys.forEach((k) => joinKeys.add(k.name));
    });
    if (new Set(v.entities).size !== v.entities.length) p.at("feature_views", i, v.name, ["entities"], "an entity is listed twice");
    if (!sourceFor(repo, state, v.source)) p.at("feature_views", i, v.name, ["source"], `unknown source "${v.source}"; defined sources: ${repoSourceNames()}`);
    if (v.ttl !== undefined && (parseDuration(v.ttl) ?? 0) <= 0) p.at("feature_views", i, v.name, ["ttl"], `invalid duration "${v.ttl}"; use e.g. "30m", "1h", "7d"`);
    if (v.materialization.schedule) {
      const err = checkCron(v.materialization.schedule);
      if (err) p.at("feature_views", i, v.name, ["materialization", "schedule"], err);
    }
    const names = new Map<string, string>();
    const claim = (name: string, rest: PropertyKey[], what: string) => {
      const prev = names.get(name);
      if (prev) p.at("feature_views", i, v.name, rest, `duplicate feature name "${name}" (${what}; also ${prev}); feature names are unique within a view`);
      else names.set(name, what);
      if (joinKeys.has(name)) p.at("feature_views", i, v.name, rest, `feature "${name}" collides with a join key of the view's entities; rename the feature`);
      if (RESERVED_COLUMNS.includes(name)) p.at("feature_views", i, v.name, rest, `"${name}" is reserved for the offline store's timestamp columns; rename the feature`);
    };
    v.features.forEach((f, k) => claim(f.name, ["features", k, "name"], `features[${k}]`));
    v.aggregations.forEach((a, k) => {
      a.windows.forEach((w, j) => {
        if ((parseDuration(w) ?? 0) <= 0) p.at("feature_views", i, v.name, ["aggregations", k, "windows", j], `invalid duration "${w}"; use e.g. "1h", "7d"`);
        claim(aggregationFeatureName(a, w), ["aggregations", k, "windows", j], `output of aggregations[${k}]`);
      });
      if (new Set(a.windows).size !== a.windows.length) p.at("feature_views", i, v.name, ["aggregations", k, "windows"], "a window is listed twice");
    });
    if (v.freshness !== undefined && (parseDuration(v.freshness) ?? 0) <= 0) p.at("feature_views", i, v.name, ["freshness"], `invalid duration "${v.freshness}"; use e.g. "2h"`);
    for (const [rest, message] of monitoringProblems(v, [...joinKeys])) p.at("feature_views", i, v.name, rest, message);
  });

  // Feature service references: the view must exist (in the repo or, live, in the registry); a
  // pinned version must exist after this apply; the feature must exist in that version.
  // First definition wins; later duplicates are reported above.
  const repoViews = new Map<string, FeatureViewDef>();
  for (const v of repo.feature_views) if (!repoViews.has(v.name)) repoViews.set(v.name, v);
  repo.feature_services.forEach((s, i) => {
    s.features.forEach((raw, j) => {
      const ref = parseFeatureRef(raw);
      if (!ref) return p.at("feature_services", i, s.name, ["features", j], `"${raw}" is not a feature reference. ${FEATURE_REF_HELP}`);
      const repoView = repoViews.get(ref.view);
      const stored = state.views.get(ref.view);
      if (!repoView && (!stored || stored.archived)) {
        const known = new Set([...repoViews.keys(), ...[...state.views.values()].filter((x) => !x.archived).map((x) => x.name)]);
        return p.at("feature_services", i, s.name, ["features", j], `unknown feature view "${ref.view}" in "${raw}"; feature views: ${list(known)}`);
      }
      const planned = repoView ? plannedViewVersion(repo, state, repoView) : stored!.latestVersion;
      if (planned === null) return; // the view's own references are reported above
      const version = ref.version ?? planned;
      let features: string[];
      if (repoView && version === planned) {
        features = [...new Set([...repoView.features.map((f) => f.name), ...repoView.aggregations.flatMap((a) => a.windows.map((w) => aggregationFeatureName(a, w)))])];
      } else {
        const v = stored?.versions.get(version);
        if (!v || version > planned) {
          return p.at("feature_services", i, s.name, ["features", j], `feature view "${ref.view}" has no version ${version} (latest after apply: v${planned}) in "${raw}"`);
        }
        features = v.features.map((f) => f.name);
      }
      if (ref.feature !== null && !features.includes(ref.feature)) {
        p.at("feature_services", i, s.name, ["features", j], `feature view "${ref.view}" v${version} has no feature "${ref.feature}"; its features: ${list(features)}`);
      }
    });
  });

  const serviceNames = new Set([...repo.feature_services.map((s) => s.name), ...[...state.services.values()].filter((s) => !s.archived).map((s) => s.name)]);
  repo.models.forEach((m, i) => {
    m.feature_services.forEach((fs, j) => {
      if (!serviceNames.has(fs)) p.at("models", i, m.name, ["feature_services", j], `unknown feature service "${fs}"; feature services: ${list(serviceNames)}`);
    });
  });

  // Postgres sources name a connection the operator configured for this project.
  repo.sources.forEach((s, i) => {
    if (s.kind !== "postgres") return;
    const conns = env().SOURCE_CONNECTIONS;
    const usable = Object.entries(conns).filter(([, c]) => c.projects === null || c.projects.includes(repo.project)).map(([n]) => n);
    const c = conns[s.connection];
    if (!c || (c.projects !== null && !c.projects.includes(repo.project))) {
      p.at("sources", i, s.name, ["connection"], `connection "${s.connection}" is not configured on the server for project ${repo.project} (SOURCE_CONNECTIONS); usable connections: ${list(usable)}`);
    }
  });

  // User SQL and paths are only ever evaluated in the sandbox, which reads the project's data roots
  // and nothing else; a transform that tries more gets DuckDB's permission error as its problem.
  await withSandbox({ readDirectories: sandboxRootsFor(repo.project), threads: 1, memoryLimit: "512MB" }, async (conn) => {
    const cache = new Map<string, SourceColumns>();
    const describeCached = async (name: string, s: SourceDef) => {
      let c = cache.get(name);
      if (!c) cache.set(name, (c = await withDeadline(conn, PLAN_SQL_DEADLINE_MS, () => describeSource(conn, s)).catch(timeoutNote)));
      return c;
    };
    // A source's own timestamp columns must exist in its data, when we can see it.
    for (const [i, s] of repo.sources.entries()) {
      const cols = (await describeCached(s.name, s)).columns;
      if (!cols) continue;
      for (const [field, col] of [["timestamp_field", s.timestamp_field], ["created_timestamp_field", s.created_timestamp_field]] as const) {
        if (col && !cols.has(col)) p.at("sources", i, s.name, [field], `column "${col}" does not exist in the source; columns: ${list(cols.keys())}`);
      }
    }
    await checkViewColumns(repo, state, p, warnings, describeCached, (t, src) =>
      withDeadline(conn, PLAN_SQL_DEADLINE_MS, () => analyzeTransform(conn, t, src)).catch((e) => ({ ok: false as const, reason: timeoutNote(e).note! })),
    );
  });

  return { problems: p.items, warnings };
}

/** Throws validation_failed (422) listing every problem; returns the warnings otherwise. */
export async function validateRepo(repo: RepoDef, opts: ValidateOptions): Promise<string[]> {
  const { problems, warnings } = await collectRepoProblems(repo, opts);
  if (problems.length > 0) {
    throw new LarderError(
      "validation_failed",
      `The repo for project "${repo.project}" has ${problems.length} problem${problems.length === 1 ? "" : "s"}.`,
      { invalidParams: problems },
    );
  }
  return warnings;
}
