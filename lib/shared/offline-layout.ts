// The offline store's layout, in one place (docs/materialization.md, "Offline store layout"). Every
// writer and reader (materialization, push, historical retrieval and its jobs, statistics, preview,
// retention) builds its paths here:
//
//   <OFFLINE_STORE_URI>/<project>/<view>/v<version>/date=YYYY-MM-DD/data.parquet   materialized rows
//   <OFFLINE_STORE_URI>/<project>/_push/<source>/date=YYYY-MM-DD/<uuid>.parquet     pushed rows
//   <OFFLINE_STORE_URI>/<project>/_historical/<jobId>.parquet                       historical job results
//   <OFFLINE_STORE_URI>/<project>/_historical/<jobId>.entities.parquet              their entity tables
//
// The store is a local (or mounted) folder; the configuration refuses object-storage URIs
// (lib/config/env.ts), since no DuckDB extension is ever loaded at run time.
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { env } from "../config/env";

const PARTITION = /^date=(\d{4}-\d{2}-\d{2})$/;

/** The store's root folder, absolute. */
export function offlineRoot(): string {
  return path.resolve(env().OFFLINE_STORE_URI.replace(/^file:\/\//, ""));
}

export function projectDir(project: string): string {
  return path.join(offlineRoot(), project);
}

export function versionDir(project: string, view: string, version: number): string {
  return path.join(offlineRoot(), project, view, `v${version}`);
}

/** `date=YYYY-MM-DD`, the name of one date partition's folder. */
export function partitionName(date: string): string {
  return `date=${date}`;
}

/** The file a materialization writes for one date partition of a version. */
export function partitionFile(dir: string, date: string): string {
  return path.join(dir, partitionName(date), "data.parquet");
}

/**
 * The dates (YYYY-MM-DD, ascending) of the partition folders under `dir`, within [lo, hi] when
 * given (inclusive; missing folder = none).
 */
export async function listPartitionDates(dir: string, lo?: string | null, hi?: string | null): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const dates: string[] = [];
  for (const n of names) {
    const m = PARTITION.exec(n);
    if (m && (!lo || m[1] >= lo) && (!hi || m[1] <= hi)) dates.push(m[1]);
  }
  return dates.sort();
}

/** Every `*.parquet` file of the given date partitions under `dir`, in date then name order. */
export async function partitionParquetFiles(dir: string, dates: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const d of dates) {
    const part = path.join(dir, partitionName(d));
    let names: string[];
    try {
      names = await fs.readdir(part);
    } catch {
      continue;
    }
    for (const f of names.sort()) if (f.endsWith(".parquet")) files.push(path.join(part, f));
  }
  return files;
}

/** Pushed rows of one push source. */
export function pushSourceDir(project: string, source: string): string {
  return path.join(offlineRoot(), project, "_push", source);
}

export function historicalDir(project: string): string {
  return path.join(offlineRoot(), project, "_historical");
}

export function historicalResultPath(project: string, jobId: string): string {
  return path.join(historicalDir(project), `${jobId}.parquet`);
}

export function historicalEntitiesPath(project: string, jobId: string): string {
  return path.join(historicalDir(project), `${jobId}.entities.parquet`);
}

/** UTC date (YYYY-MM-DD) of an instant in epoch milliseconds. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
