// Writes the acme demo: one feature repo (YAML) per project from catalog.ts, and each source's
// Parquet rows (30 days ending at `end`) with DuckDB. `node --import tsx examples/acme/build.ts`
// rewrites the YAML (committed); `npm run demo` generates the data (not committed).
import fs from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { ACME, type AcmeProject } from "./catalog";

export const ACME_DIR = path.resolve(import.meta.dirname);
/** Data of every project under examples/acme/data (a data root: examples). */
export const dataFile = (project: string, source: string) => path.join(ACME_DIR, "data", project, `${source}.parquet`);

function repoOf(p: AcmeProject): Record<string, unknown> {
  const columnType = new Map(p.sources.flatMap((s) => s.columns.map((c) => [`${s.name}.${c.name}`, c.dtype] as const)));
  return {
    project: p.name,
    description: p.description,
    entities: p.entities.map((e) => ({ name: e.name, description: e.description, owner: e.owner, join_keys: e.keys.map(([name, dtype]) => ({ name, dtype })) })),
    sources: p.sources.map((s) => ({
      name: s.name,
      kind: "parquet",
      path: `../data/${p.name}/${s.name}.parquet`,
      timestamp_field: "event_timestamp",
      created_timestamp_field: "created_timestamp",
      description: s.description,
      owner: s.owner,
    })),
    feature_views: p.views.map((v) => ({
      name: v.name,
      description: v.description,
      owner: v.owner,
      tags: v.tags,
      entities: v.entities,
      source: v.source,
      ...(v.ttl ? { ttl: v.ttl } : {}),
      features: v.features.map(([name, description]) => {
        const dtype = columnType.get(`${v.source}.${name}`);
        if (!dtype) throw new Error(`${p.name}.${v.name}: source ${v.source} has no column ${name}`);
        return { name, dtype, description };
      }),
      ...(v.aggregations?.length ? { aggregations: v.aggregations } : {}),
      materialization: { online: true, offline: true, ...(v.schedule ? { schedule: v.schedule } : {}) },
      ...(v.freshness ? { freshness: v.freshness } : {}),
    })),
    feature_services: p.services,
    models: p.models.map((m) => ({ name: m.name, description: m.description, owner: m.owner, feature_services: m.services })),
  };
}

/** The repo file of one project, as committed (examples/acme/<project>/repo.yaml). */
export function acmeRepoYaml(p: AcmeProject): string {
  const yaml = stringify(repoOf(p), { lineWidth: 120 });
  return `# yaml-language-server: $schema=../../../docs/feature-repo.schema.json\n# Generated from examples/acme/catalog.ts by examples/acme/build.ts.\n${yaml}`;
}

/** Writes examples/acme/<project>/repo.yaml for every project. */
export async function writeAcmeRepos(): Promise<string[]> {
  const dirs: string[] = [];
  for (const p of ACME) {
    const dir = path.join(ACME_DIR, p.name);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, "repo.yaml"), acmeRepoYaml(p));
    dirs.push(dir);
  }
  return dirs;
}

/**
 * Writes every source's rows: `rows` rows with event times spread over the 30 days before `end`
 * (created a few minutes later). Skips sources marked missing and files that already exist.
 */
export async function generateAcmeData(end: Date, run: (sql: string) => Promise<void>): Promise<number> {
  let files = 0;
  const endSql = `TIMESTAMP '${end.toISOString().replace("T", " ").replace("Z", "")}'`;
  for (const p of ACME) {
    for (const s of p.sources) {
      if (s.missing) continue;
      const file = dataFile(p.name, s.name);
      if (await fs.access(file).then(() => true, () => false)) continue;
      await fs.mkdir(path.dirname(file), { recursive: true });
      const cols = s.columns.map((c) => `${c.sql} AS "${c.name}"`).join(",\n  ");
      await run(`COPY (
SELECT ${cols},
  ${endSql} - to_seconds((hash(i, 'ts') % (30 * 86400))::BIGINT) AS event_timestamp,
  ${endSql} - to_seconds((hash(i, 'ts') % (30 * 86400))::BIGINT) + to_seconds((hash(i, 'created') % 600)::BIGINT) AS created_timestamp
FROM range(${s.rows}) t(i)
ORDER BY event_timestamp
) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`);
      files++;
    }
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = await writeAcmeRepos();
  const views = ACME.reduce((n, p) => n + p.views.length, 0);
  console.log(`wrote ${dirs.length} repos (${views} feature views)`);
}
