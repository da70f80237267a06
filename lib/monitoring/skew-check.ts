// Training/serving skew (docs/monitoring.md): samples entities of a view's latest version, reads
// them online and retrieves them historically as of the same instant — the end of the latest
// online materialization — and records, per feature, how many values differ, with a few examples.
// A healthy store answers 0; a value changed behind Larder's back (in Redis, or in the offline
// files) shows up here. The online read uses that instant as its clock, so ttl means the same on
// both sides.
import "server-only";
import fs from "node:fs/promises";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { withDuckConnection, qid, qlit } from "../duckdb/instance";
import { env } from "../config/env";
import { LarderError } from "../errors";
import { getHistoricalFeatures } from "../offline/get-historical-features";
import { getOnlineFeatures } from "../online/get-online-features";
import { parseJsonExact } from "../shared/exact-json";
import { versionDir } from "../shared/offline-layout";

/** The monitor's own reader: internal only (never a request's principal), may read restricted views. */
const MONITOR_PRINCIPAL: Principal = { kind: "user", userId: "system:monitor", email: "monitor@larder.local", name: "Larder monitor", isAdmin: true, sessionId: "", grants: [] };

/** Examples kept per feature. */
export const SKEW_EXAMPLES = 5;

export interface SkewFeatureResult {
  feature: string;
  compared: number;
  mismatches: number;
  rate: number;
  examples: { entity: Record<string, unknown>; online: unknown; offline: unknown }[];
}

export type SkewOutcome = { status: "checked"; checkId: string; mismatches: number; features: SkewFeatureResult[] } | { status: "skipped"; reason: string };

const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(?:Z|\+00:00)?$/;

/** An ISO timestamp as "<epoch seconds>.<nanoseconds>" (so 12:00:00Z = 12:00:00.000000Z), or null. */
function isoKey(s: string): string | null {
  const m = ISO.exec(s);
  return m ? `${Date.parse(`${m[1]}Z`) / 1000}.${(m[2] ?? "").padEnd(9, "0")}` : null;
}

/** Equal as feature values: numbers within 1e-9 relative (aggregates summed in another order), timestamps as instants, the rest exactly. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  // int64 beyond 2^53 comes back as a BigInt (exact JSON); compare digits.
  if (typeof a === "bigint" || typeof b === "bigint") return String(a) === String(b);
  // Online timestamp features are epoch seconds (Feast's unit); historical ones ISO 8601.
  if (typeof a === "number" && typeof b === "string" && isoKey(b) !== null) return `${a.toFixed(6)}000` === isoKey(b);
  if (typeof a === "number" && typeof b === "number") return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (typeof a === "string" && typeof b === "string") {
    const [ka, kb] = [isoKey(a), isoKey(b)];
    if (ka !== null && kb !== null) return ka === kb;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function checkSkew(projectName: string, viewName: string, opts: { sample?: number } = {}): Promise<SkewOutcome> {
  const view = await db().featureView.findFirst({
    where: { name: viewName, archivedAt: null, project: { name: projectName } },
    include: { project: true, versions: { include: { features: { orderBy: { position: "asc" } } } } },
  });
  if (!view) return { status: "skipped", reason: "no such view" };
  const ver = view.versions.find((v) => v.version === view.latestVersion);
  if (!ver) return { status: "skipped", reason: "no version" };
  const mat = ver.materialization as { online?: boolean; offline?: boolean };
  if (mat.online === false || mat.offline === false) return { status: "skipped", reason: "skew needs both stores" };
  const lastOnline = await db().materializedInterval.findFirst({ where: { versionId: ver.id, online: true }, orderBy: { end: "desc" } });
  if (!lastOnline) return { status: "skipped", reason: "never materialized online" };
  const asOf = lastOnline.end;
  const joinKeys = ((ver.definition as { join_keys?: { name: string }[] }).join_keys ?? []).map((k) => k.name);
  const dir = versionDir(projectName, viewName, ver.version);
  if (!(await fs.stat(dir).catch(() => null))) return { status: "skipped", reason: "no offline partitions" };
  // A deterministic sample of entities with rows up to asOf, from the offline store.
  const n = opts.sample ?? env().SKEW_SAMPLE_ENTITIES;
  const keys = joinKeys.map(qid).join(", ");
  const entities = await withDuckConnection(async (c) =>
    (
      await c.runAndReadAll(
        `SELECT DISTINCT ${keys} FROM read_parquet(${qlit(`${dir}/date=*/*.parquet`)}, hive_partitioning = false)
         WHERE event_timestamp <= make_timestamp(${asOf.getTime() * 1000}::BIGINT) AND ${joinKeys.map((k) => `${qid(k)} IS NOT NULL`).join(" AND ")}
         ORDER BY hash(${keys}) LIMIT ${n}`,
      )
    )
      .getRowObjects()
      // Keys as JSON values: BIGINTs as numbers when exact, else as strings (both accepted by the reads).
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : String(v)) : v]))),
  );
  if (!entities.length) return { status: "skipped", reason: "no entities before the materialization time" };
  const features = ver.features.map((f) => f.name);
  const refs = features.map((f) => `${viewName}@v${ver.version}:${f}`);
  const online = await getOnlineFeatures({
    project: projectName,
    principal: MONITOR_PRINCIPAL,
    request: { features: refs, entities: Object.fromEntries(joinKeys.map((k) => [k, entities.map((e) => e[k] as string | number)])), full_feature_names: true },
    now: asOf.getTime(),
  });
  const asOfIso = asOf.toISOString();
  let hist;
  try {
    hist = await getHistoricalFeatures({
      project: projectName,
      principal: MONITOR_PRINCIPAL,
      features: refs,
      full_feature_names: true,
      entities: { kind: "rows", rows: entities.map((e) => ({ ...e, event_timestamp: asOfIso })) },
      format: "json",
      inline: true,
      triggeredBy: "monitor:skew",
    });
  } catch (e) {
    // Typically the offline store does not cover ttl/windows before asOf: nothing to compare with.
    if (e instanceof LarderError) return { status: "skipped", reason: `historical retrieval as of ${asOfIso}: ${e.message}` };
    throw e;
  }
  if (hist.kind !== "json") return { status: "skipped", reason: "historical retrieval did not answer inline" };
  const body = parseJsonExact(hist.body) as { columns: string[]; rows: (unknown[] | Record<string, unknown>)[] };
  const offRows = body.rows.map((r) => (Array.isArray(r) ? Object.fromEntries(body.columns.map((c, i) => [c, r[i]])) : r));
  const keyOf = (e: Record<string, unknown>) => JSON.stringify(joinKeys.map((k) => String(e[k])));
  const offline = new Map(offRows.map((r) => [keyOf(r), r]));
  const names = online.metadata.feature_names;
  const results: SkewFeatureResult[] = features.map((f) => {
    const full = `${viewName}@v${ver.version}__${f}`;
    const col = names.indexOf(full) >= 0 ? names.indexOf(full) : names.indexOf(`${viewName}__${f}`);
    const out: SkewFeatureResult = { feature: f, compared: 0, mismatches: 0, rate: 0, examples: [] };
    entities.forEach((e, i) => {
      const onValue = online.results[col]?.values[i] ?? null;
      const offRow = offline.get(keyOf(e));
      const offValue = offRow?.[full] ?? offRow?.[`${viewName}__${f}`] ?? null;
      out.compared++;
      if (!sameValue(onValue, offValue)) {
        out.mismatches++;
        if (out.examples.length < SKEW_EXAMPLES) out.examples.push({ entity: Object.fromEntries(joinKeys.map((k) => [k, e[k]])), online: onValue, offline: offValue });
      }
    });
    out.rate = out.compared ? out.mismatches / out.compared : 0;
    return out;
  });
  const mismatches = results.reduce((a, r) => a + r.mismatches, 0);
  const row = await db().skewCheck.create({
    data: { projectId: view.projectId, viewName, version: ver.version, asOf, entities: entities.length, mismatches, features: results as unknown as object },
  });
  return { status: "checked", checkId: row.id, mismatches, features: results };
}
