// `larder get-online` and `larder get-historical`: retrieval through the SDK (LARDER_URL, LARDER_TOKEN).
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { env } from "../../config/env";
import { projectOption } from "../project-option";
import { LarderClient, onlineRows, type EntityValue, type HistoricalJobAccepted } from "../../client/larder-client";

function client(featureServer?: string): LarderClient {
  const e = env();
  if (!e.LARDER_TOKEN) console.error("warning: LARDER_TOKEN is not set; the API will answer 401.");
  return new LarderClient({ baseUrl: e.LARDER_URL, token: e.LARDER_TOKEN, featureServerUrl: featureServer });
}

/** `customer_id=1,2,3` → ["customer_id", [...]]; integers stay strings (valid for int and string keys). */
export function parseEntityOption(spec: string): [string, EntityValue[]] {
  const eq = spec.indexOf("=");
  if (eq <= 0) throw new Error(`--entity ${spec}: write it as join_key=value1,value2`);
  const values = spec
    .slice(eq + 1)
    .split(",")
    .map((v): EntityValue => (v === "true" ? true : v === "false" ? false : /^-?\d+\.\d+$/.test(v) ? Number(v) : v));
  return [spec.slice(0, eq), values];
}

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

function printTable(rows: Record<string, unknown>[]): void {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const cells = rows.map((r) => cols.map((c) => (r[c] === null || r[c] === undefined ? "∅" : typeof r[c] === "object" ? JSON.stringify(r[c]) : String(r[c]))));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i])).join("  "));
  for (const row of cells) console.log(row.map((v, i) => v.padEnd(widths[i])).join("  "));
}

export function registerRetrievalCommands(program: Command): void {
  program
    .command("get-online")
    .description("latest feature values for entities (online store)")
    .addOption(projectOption())
    .option("-f, --features <refs>", "comma-separated refs: view:feature, view@v2:feature, view", list)
    .option("-s, --feature-service <name>", "a feature service instead of --features")
    .option("-e, --entity <key=v1,v2>", "join key values (repeat for several join keys)", (v: string, prev: string[] = []) => [...prev, v])
    .option("--full-names", "name columns view__feature")
    .option("--feature-server <url>", "ask the feature server instead of the API (e.g. http://localhost:6566)")
    .option("--json", "print Feast's JSON response")
    .action(async (o: { project: string; features?: string[]; featureService?: string; entity?: string[]; fullNames?: boolean; featureServer?: string; json?: boolean }) => {
      const entities = Object.fromEntries((o.entity ?? []).map(parseEntityOption));
      if (!Object.keys(entities).length) throw new Error("give at least one --entity join_key=value,...");
      const res = await client(o.featureServer).getOnlineFeatures(o.project, {
        features: o.features,
        feature_service: o.featureService,
        full_feature_names: o.fullNames,
        entities,
      });
      if (o.json) console.log(JSON.stringify(res, null, 2));
      else printTable(onlineRows(res));
    });

  program
    .command("get-historical")
    .description("point-in-time features for an entity table (Parquet, CSV or JSON rows file)")
    .addOption(projectOption())
    .requiredOption("--entities <file>", "entity table: .parquet, .csv, or .json (array of rows)")
    .option("-f, --features <refs>", "comma-separated refs", list)
    .option("-s, --feature-service <name>", "a feature service instead of --features")
    .option("--timestamp-column <name>", "the entity table's time column", "event_timestamp")
    .option("--full-names", "name columns view__feature")
    .option("-o, --out <file>", "write the result here (.parquet, .csv or .json); default: print JSON")
    .option("--as-job", "run as a job even for small tables")
    .action(
      async (o: { project: string; entities: string; features?: string[]; featureService?: string; timestampColumn: string; fullNames?: boolean; out?: string; asJob?: boolean }) => {
        const ext = path.extname(o.entities).toLowerCase();
        const bytes = await fs.readFile(o.entities);
        const entities =
          ext === ".parquet" ? { parquet: new Uint8Array(bytes) } : ext === ".csv" ? { csv: new Uint8Array(bytes) } : { rows: JSON.parse(bytes.toString("utf8")) };
        const outExt = o.out ? path.extname(o.out).toLowerCase() : ".json";
        const accept = outExt === ".parquet" ? "application/vnd.apache.parquet" : outExt === ".csv" ? "text/csv" : "application/json";
        const c = client();
        const req = {
          features: o.features,
          feature_service: o.featureService,
          full_feature_names: o.fullNames,
          event_timestamp_column: o.timestampColumn,
          as_job: o.asJob,
          entities,
        };
        const res = await c.getHistoricalFeaturesResponse(o.project, req, accept);
        let data: Uint8Array;
        if (res.status === 202) {
          const job = (await res.json()) as HistoricalJobAccepted;
          console.error(`large entity table (${job.rows} rows): running as job ${job.job.id} …`);
          const done = await c.waitForJob(job.job.id);
          if (done.status !== "succeeded") throw new Error(`job ${job.job.id} ${done.status}: ${done.error ?? ""}`);
          data = await c.historicalJobResult(o.project, job.job.id);
          if (outExt !== ".parquet") console.error("note: job results are Parquet; writing Parquet bytes.");
        } else data = new Uint8Array(await res.arrayBuffer());
        if (o.out) {
          await fs.writeFile(o.out, data);
          console.error(`wrote ${o.out} (${res.headers.get("x-larder-rows") ?? "?"} rows)`);
        } else process.stdout.write(Buffer.from(data).toString("utf8") + "\n");
      },
    );

  program
    .command("preview")
    .description("sample rows of a feature view version (offline store), or a source's first rows")
    .argument("<name>", "a feature view (view or view@v2), or a source with --source")
    .addOption(projectOption())
    .option("--source", "<name> is a source")
    .option("-n, --limit <n>", "rows (at most 500)", (v: string) => Number(v), 20)
    .option("-e, --entity <key=value>", "only this entity (repeat for composite keys); also shows its online value beside the offline one", (v: string, prev: string[] = []) => [...prev, v])
    .option("--start <iso>", "rows at or after this time")
    .option("--end <iso>", "rows before this time")
    .option("--json", "print the JSON response")
    .action(async (name: string, o: { project: string; source?: boolean; limit: number; entity?: string[]; start?: string; end?: string; json?: boolean }) => {
      const c = client();
      if (o.source) {
        const res = await c.previewSource(o.project, name, { limit: o.limit });
        if (o.json) return console.log(JSON.stringify(res, null, 2));
        console.log(`source ${res.source} (${res.kind}): ${res.columns.map((x) => `${x.name} ${x.type}`).join(", ")}`);
        printTable(res.rows);
        if (res.truncated) console.error(`(more rows; showing ${res.rows.length})`);
        return;
      }
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:@v(\d+))?$/.exec(name);
      if (!m) throw new Error(`${name}: write a view as view or view@v2`);
      let version = m[2] ? Number(m[2]) : null;
      if (version === null) {
        const view = await c.http.request<{ latestVersion: number }>("GET", `/api/v1/projects/${encodeURIComponent(o.project)}/feature-views/${encodeURIComponent(m[1])}`);
        version = view.latestVersion;
      }
      const entity = Object.fromEntries((o.entity ?? []).map((e) => {
        const i = e.indexOf("=");
        if (i <= 0) throw new Error(`--entity ${e}: write it as join_key=value`);
        return [e.slice(0, i), e.slice(i + 1)];
      }));
      const res = await c.previewFeatureView(o.project, m[1], version, { limit: o.limit, entity, start: o.start, end: o.end });
      if (o.json) return console.log(JSON.stringify(res, null, 2));
      console.log(`${res.view}@v${res.version}: partitions ${res.partitions.join(", ") || "(none)"}`);
      if (res.note) console.error(res.note);
      printTable(res.rows);
      if (res.truncated) console.error(`(more rows; showing ${res.rows.length})`);
      if (res.comparison) {
        console.log(`\nonline vs offline at ${res.comparison.at ?? "(never materialized online)"}:`);
        console.log(JSON.stringify({ online: res.comparison.online, offline: res.comparison.offline ?? res.comparison.offline_error }, null, 2));
      }
    });
}
