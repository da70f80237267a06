// The point-in-time join itself: the plan's partitions found in the offline store, the query built
// by historical-sql.ts, and the answer written as Parquet, CSV or JSON (ISO 8601 UTC times).
import "server-only";
import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid, qlit } from "../duckdb/instance";
import { buildHistoricalQuery, partitionFiles, slotLookbackMs } from "./historical-sql";
import { type LoadedEntityTable } from "./load-entity-table";
import { type HistoricalFormat } from "./get-historical-features";
import { type Plan } from "./historical-plan";
import { log, logFailure } from "../config/log";

export async function computeInto(
  c: DuckDBConnection,
  project: string,
  p: { plan: Plan; table: LoadedEntityTable; timestampColumn: string },
  format: HistoricalFormat,
  target: string,
): Promise<void> {
  const { plan, table } = p;
  for (const slot of plan.slots) {
    const lb = slotLookbackMs(slot);
    slot.files = await partitionFiles(project, slot.vv, lb === null ? null : table.minT! - lb, table.maxT!);
  }
  const tag = `h${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const q = buildHistoricalQuery({
    entityTable: table.table,
    entityColumns: table.columns,
    timestampColumn: p.timestampColumn,
    slots: plan.slots,
    outputs: plan.outputs,
    tag,
  });
  try {
    for (const s of q.prepare) await c.run(s);
    let select = q.select;
    if (format !== "parquet") {
      // Text formats get ISO 8601 UTC times.
      const types = (await c.runAndReadAll(`DESCRIBE ${select}`)).getRowObjects();
      const cols = types.map((t) =>
        String(t.column_type) === "TIMESTAMP" ? `strftime(${qid(String(t.column_name))}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${qid(String(t.column_name))}` : qid(String(t.column_name)),
      );
      select = `SELECT ${cols.join(", ")} FROM (${select})`;
    }
    const opts = format === "parquet" ? "FORMAT parquet" : format === "csv" ? "FORMAT csv, HEADER true" : "FORMAT json, ARRAY true";
    await c.run(`COPY (${select}) TO ${qlit(target)} (${opts})`);
  } finally {
    // Temp tables live in the process-wide instance: a failed drop would keep their memory.
    for (const s of q.cleanup) await c.run(s).catch(logFailure(log(), `historical cleanup (${s})`));
  }
}
