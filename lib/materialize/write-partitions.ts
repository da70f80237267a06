// Materialization's offline write: one Parquet file per UTC date partition of the window, written
// to the job's private work folder; the commit phase (materialize-window.ts) renames them into place.
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid, qlit } from "../duckdb/instance";
import { MaterializationError, causeText } from "./errors";
import { usLiteral } from "./read-source";
import type { ViewSpec } from "./view-spec";

const DAY_MS = 86_400_000;

/** UTC date partitions of [start, end), plus the end's own when it is a midnight and `withEnd`. */
export function partitionDates(start: Date, end: Date, withEnd = true): string[] {
  const out: string[] = [];
  const first = Math.floor(start.getTime() / DAY_MS) * DAY_MS;
  const last = withEnd && end.getTime() % DAY_MS === 0 ? end.getTime() : end.getTime() - 1;
  for (let t = first; t <= last; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Offline columns in contract order. */
function offlineColumns(spec: ViewSpec): string[] {
  const cols = [...spec.joinKeys.map((k) => k.name), "event_timestamp", "created_timestamp", ...spec.rowFeatures.map((f) => f.name), ...spec.extraColumns];
  return [...new Set(cols)];
}

/** Writes one file per date into the work folder; returns the rows written. */
export async function writePartitions(
  conn: DuckDBConnection,
  spec: ViewSpec,
  dates: string[],
  workDir: string,
  files: Map<string, string>,
): Promise<number> {
  const cols = offlineColumns(spec).map(qid).join(", ");
  const lo = Date.parse(`${dates[0]}T00:00:00Z`) * 1000;
  const hi = (Date.parse(`${dates[dates.length - 1]}T00:00:00Z`) + DAY_MS) * 1000;
  const outDir = path.join(workDir, "offline");
  try {
    // One partitioned COPY writes every day; days without rows get an empty file with the schema, so
    // a re-run over a source that lost rows also replaces (empties) that partition.
    await conn.run(
      `COPY (SELECT ${cols}, CAST(event_timestamp AS DATE) AS date FROM rows
             WHERE event_timestamp >= ${usLiteral(lo)} AND event_timestamp < ${usLiteral(hi)})
       TO ${qlit(outDir)} (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN 'data_{i}', FILE_EXTENSION 'parquet.tmp')`,
    );
    let total = 0;
    let empty: string | null = null;
    for (const d of dates) {
      const dir = path.join(outDir, `date=${d}`);
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      if (names.length === 1) {
        files.set(d, path.join(dir, names[0]));
      } else if (names.length > 1) {
        // Several files for one day (parallel writers): rewrite the day as one file.
        const one = path.join(workDir, `date=${d}.parquet.tmp`);
        await conn.run(`COPY (SELECT ${cols} FROM rows WHERE CAST(event_timestamp AS DATE) = DATE ${qlit(d)}) TO ${qlit(one)} (FORMAT parquet)`);
        files.set(d, one);
      } else {
        if (!empty) {
          empty = path.join(workDir, "empty.parquet.tmp");
          await conn.run(`COPY (SELECT ${cols} FROM rows LIMIT 0) TO ${qlit(empty)} (FORMAT parquet)`);
        }
        const copy = path.join(workDir, `empty-${d}.parquet.tmp`);
        await fs.copyFile(empty, copy);
        files.set(d, copy);
      }
    }
    const r = await conn.runAndReadAll(`SELECT count(*) AS n FROM rows WHERE event_timestamp >= ${usLiteral(lo)} AND event_timestamp < ${usLiteral(hi)}`);
    total = Number(r.getRowObjects()[0].n);
    return total;
  } catch (e) {
    throw new MaterializationError(spec.viewName, "write_offline", causeText(e), { cause: e });
  }
}

