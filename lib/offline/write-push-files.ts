// Offline part of push: pushed rows land as NEW files in the `_push` layout (contract)
//   <OFFLINE_STORE_URI>/<project>/_push/<source>/date=YYYY-MM-DD/<uuid>.parquet
// one file per UTC date of the event timestamp. Files are written beside their final name and
// renamed, so a reader (a materialization job) never sees half a file; pushing never rewrites
// existing files, so re-running materialization over them stays idempotent.
import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { qid, qlit, withDuckConnection } from "../duckdb/instance";
import { duckType } from "../shared/dtypes";
import { writeJson } from "../shared/exact-json";
import { partitionName, pushSourceDir } from "../shared/offline-layout";
import { utcDateOfUs } from "./timestamps";

export interface PushFilesInput {
  project: string;
  source: string;
  /**
   * Columns in file order, values as values.ts checks them: `timestamp` values epoch µs (BigInt),
   * integers BigInt (exact), bytes base64 text, floats numbers.
   */
  columns: { name: string; dtype: string }[];
  values: Record<string, unknown[]>;
  rows: number;
  timestampField: string;
}

export async function writePushFiles(input: PushFilesInput): Promise<{ files: string[] }> {
  const ts = input.values[input.timestampField] as bigint[];
  const byDate = new Map<string, number[]>();
  for (let i = 0; i < input.rows; i++) {
    const d = utcDateOfUs(ts[i]);
    let list = byDate.get(d);
    if (!list) byDate.set(d, (list = []));
    list.push(i);
  }
  const tmp = path.join(os.tmpdir(), `larder-push-${randomUUID()}.ndjson`);
  const lines: string[] = new Array(input.rows);
  for (let i = 0; i < input.rows; i++) {
    const row: Record<string, unknown> = { __date: utcDateOfUs(ts[i]) };
    for (const c of input.columns) row[c.name] = input.values[c.name][i];
    lines[i] = writeJson(row);
  }
  await fs.writeFile(tmp, lines.join("\n"));
  const dir = pushSourceDir(input.project, input.source);
  const files: string[] = [];
  try {
    await withDuckConnection(async (c) => {
      // Times travel as epoch µs and bytes as base64 text; DuckDB makes them TIMESTAMP and BLOB.
      const jsonType = (dtype: string) => (dtype === "timestamp" ? "BIGINT" : dtype === "bytes" ? "VARCHAR" : duckType(dtype));
      const jsonTypes = input.columns.map((col) => `${qlit(col.name)}: ${qlit(jsonType(col.dtype))}`);
      const select = input.columns
        .map((col) =>
          col.dtype === "timestamp"
            ? `make_timestamp(${qid(col.name)}) AS ${qid(col.name)}`
            : col.dtype === "bytes"
              ? `from_base64(${qid(col.name)}) AS ${qid(col.name)}`
              : qid(col.name),
        )
        .join(", ");
      const table = `push_${randomUUID().replace(/-/g, "")}`;
      await c.run(
        `CREATE TEMP TABLE ${table} AS SELECT __date, ${select} FROM read_json(${qlit(tmp)}, format='newline_delimited', columns={'__date': 'VARCHAR', ${jsonTypes.join(", ")}})`,
      );
      try {
        for (const date of [...byDate.keys()].sort()) {
          const partDir = path.join(dir, partitionName(date));
          const final = path.join(partDir, `${randomUUID()}.parquet`);
          await fs.mkdir(partDir, { recursive: true });
          const target = `${final}.tmp`;
          await c.run(
            `COPY (SELECT ${input.columns.map((col) => qid(col.name)).join(", ")} FROM ${table} WHERE __date = ${qlit(date)}) TO ${qlit(target)} (FORMAT parquet)`,
          );
          await fs.rename(target, final);
          files.push(final);
        }
      } finally {
        await c.run(`DROP TABLE IF EXISTS ${table}`);
      }
    });
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return { files };
}
