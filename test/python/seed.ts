// Seeds the database of one Python-client test run (test/python/run.ts runs it in a child process
// with the run's env): the sample repo examples/retail applied under a project name of this run
// only (online keys are per project name, and the Redis is shared), its two views materialized
// offline and online over the data's range, a second project with a push source of every dtype,
// and API tokens per role. Writes what the tests need to <RUN_DIR>/python-seed.json.
// `seed.ts --teardown <project>…` removes those projects' online data again.
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { db, disconnectDb } from "../../lib/db/client";
import { createRunDatabase } from "../../e2e/support/database";
import { applyRepo } from "../../lib/registry/apply-repo";
import { loadRepo } from "../../lib/registry/load-repo";
import { closeQueues } from "../../lib/queues/contracts";
import { materializeWindow } from "../../lib/materialize/materialize-window";
import { createRedis } from "../../lib/redis/connection";
import { defaultEnd, generateRetailData } from "../../examples/retail/generate-data";
import { forgetProjectInRedis } from "../support/materialize";
import { applyTestRepo, tokenFor } from "../support/retrieval";
import { RUN_DIR } from "../../e2e/support/env";

const DAY = 86_400_000;

/** Columns of every dtype, the push source's schema and the views' features. */
export const TYPE_COLUMNS: [string, string][] = [
  ["i32", "int32"],
  ["i64", "int64"],
  ["f32", "float32"],
  ["f64", "float64"],
  ["s", "string"],
  ["b", "bool"],
  ["t", "timestamp"],
  ["by", "bytes"],
  ["li64", "list<int64>"],
  ["lf64", "list<float64>"],
  ["ls", "list<string>"],
];

async function seed(project: string) {
  await createRunDatabase(process.env.DATABASE_URL!);

  const repoDir = path.join(RUN_DIR, "retail");
  await mkdir(repoDir, { recursive: true });
  for (const f of ["entities.yaml", "sources.yaml", "views.yaml", "services.yaml"]) await cp(path.join("examples/retail", f), path.join(repoDir, f));
  // Not at a UTC midnight: reads at exactly the end then need no job to vouch for the end's day.
  const hourEnd = defaultEnd();
  const dataEnd = hourEnd.getTime() % DAY === 0 ? new Date(hourEnd.getTime() - 3_600_000) : hourEnd;
  const data = await generateRetailData(path.join(repoDir, "data"), { customers: 200, transactions: 5000, end: dataEnd });
  const loaded = await loadRepo(repoDir);
  const repo = { ...loaded.repo, project };
  await applyRepo({ repo, origins: loaded.origins, actor: { kind: "system", label: "python-tests" }, projectCreate: true, baseDir: repoDir });
  const projectRow = await db().project.findUniqueOrThrow({ where: { name: project } });

  // Both views materialized offline and online from a year before the data ends (customer_profile's
  // ttl is 365 days) to its end, as succeeded jobs would leave them.
  const start = new Date(Math.floor((data.end.getTime() - 366 * DAY) / DAY) * DAY);
  const end = data.end;
  const redis = createRedis("online");
  try {
    for (const name of ["customer_profile", "customer_spend"]) {
      const view = await db().featureView.findUniqueOrThrow({ where: { projectId_name: { projectId: projectRow.id, name } } });
      const version = await db().featureViewVersion.findUniqueOrThrow({ where: { featureViewId_version: { featureViewId: view.id, version: view.latestVersion } } });
      await materializeWindow(
        { projectName: project, viewName: name, version: version.version, versionId: version.id, start, end, writeOffline: true, writeOnline: true, jobId: `py-seed-${name}` },
        {},
        { redis },
      );
      await db().materializedInterval.create({ data: { versionId: version.id, start, end, online: true, offline: true } });
    }
  } finally {
    redis.disconnect();
  }

  // A project fed only by pushes: every dtype, written online by push ("pushed") or by
  // materialization from the pushed files ("materialized", a transform).
  const typesProject = `${project}_types`;
  const features = TYPE_COLUMNS.map(([name, dtype]) => ({ name, dtype: dtype as "int64" }));
  const typesId = await applyTestRepo({
    project: typesProject,
    entities: [{ name: "thing", join_keys: [{ name: "id", dtype: "int64" }] }],
    sources: [{ name: "all_types", kind: "push", timestamp_field: "event_timestamp", schema: [{ name: "id", dtype: "int64" }, ...features] }],
    feature_views: [
      { name: "pushed", entities: ["thing"], source: "all_types", features },
      { name: "materialized", entities: ["thing"], source: "all_types", transform: "SELECT * FROM source", features },
    ],
  });

  const tokens = {
    consumer: (await tokenFor(projectRow.id, "consumer")).token,
    operator: (await tokenFor(projectRow.id, "operator")).token,
    viewer: (await tokenFor(projectRow.id, "viewer")).token,
    typesOperator: (await tokenFor(typesId, "operator")).token,
  };
  const info = {
    project,
    typesProject,
    typeColumns: TYPE_COLUMNS,
    tokens,
    dataStart: data.start.toISOString(),
    dataEnd: data.end.toISOString(),
    materialized: { start: start.toISOString(), end: end.toISOString() },
  };
  await writeFile(path.join(RUN_DIR, "python-seed.json"), JSON.stringify(info, null, 2));
  await disconnectDb();
  await closeQueues(); // apply's after-change step synced cron schedulers through BullMQ
}

async function teardown(projects: string[]) {
  const redis = createRedis("online");
  try {
    for (const p of projects) await forgetProjectInRedis(redis, p);
  } finally {
    redis.disconnect();
  }
}

const args = process.argv.slice(2);
(args[0] === "--teardown" ? teardown(args.slice(1)) : seed(args[0])).catch((e) => {
  console.error(e);
  process.exit(1);
});
