// Feast's /materialize and /materialize-incremental request shapes (feature_server.py's
// MaterializeRequest / MaterializeIncrementalRequest) mapped onto Larder's jobs: one materialize
// (or materialize-incremental) job per feature view, created exactly as POST /api/v1/projects/{p}/
// materialize creates them (same jobs, same queue, same `jobs.run` permission). Feast answers once
// the materialization is done (`null`), or at once with `?async=true` (202 {"status": "accepted",
// "feature_views": […]}); so does this, waiting on the Job rows.
import "server-only";
import { z } from "zod";
import type { Principal } from "../auth/principal";
import { LarderError, badRequest, zodIssuesToParams } from "../errors";
import { materialize } from "../jobs/materialize";
import { materializeIncremental } from "../jobs/materialize-incremental";
import { resolveTargetViews } from "../jobs/resolve-views";
import { waitForJobs } from "../jobs/wait-for-jobs";
import { parseIsoUs } from "../shared/time-us";
import { triggeredByOf } from "./job-routes";

// Feast's pydantic models ignore fields they do not know; so do these.
const Common = {
  feature_views: z.array(z.string().min(1)).nullish(),
  full_feature_names: z.boolean().optional(),
  version: z.string().nullish(),
};
export const FeastMaterializeBody = z.object({ start_ts: z.string().nullish(), end_ts: z.string().nullish(), disable_event_timestamp: z.boolean().optional(), ...Common });
export const FeastMaterializeIncrementalBody = z.object({ end_ts: z.string(), ...Common });

export type FeastMaterializeAnswer = { status: 200; body: "null" } | { status: 202; body: string };

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) {
    throw new LarderError("bad_request", `The body is invalid: ${r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, {
      invalidParams: zodIssuesToParams(r.error),
    });
  }
  return r.data;
}

/** An ISO 8601 time (no zone = UTC, as Feast's make_tzaware) as a Date; job windows are whole milliseconds. */
function time(name: string, v: string): Date {
  const t = parseIsoUs(v);
  if ("error" in t) throw badRequest(`${name} is ${JSON.stringify(v)}: ${t.error}.`, [{ name, reason: "expected an ISO 8601 time" }]);
  if (t.us % 1000n !== 0n) throw badRequest(`${name} has microseconds; materialization windows are whole milliseconds.`, [{ name, reason: "whole milliseconds" }]);
  return new Date(Number(t.us / 1000n));
}

/** Feast's `version` ("v2") names a version to materialize; Larder materializes the latest, so only that one is accepted. */
async function checkVersion(projectId: string, views: string[] | null | undefined, version: string | null | undefined): Promise<void> {
  if (!version) return;
  if (!views || views.length !== 1) throw badRequest('"version" needs "feature_views" with exactly one view (as in Feast).', [{ name: "version", reason: "one feature view" }]);
  const [target] = await resolveTargetViews(projectId, views);
  const m = /^[vV](\d+)$/.exec(version);
  if (version.toLowerCase() !== "latest" && (!m || Number(m[1]) !== target.version)) {
    throw badRequest(`Larder materializes the latest version of ${target.viewName} (v${target.version}), not ${version}.`, [{ name: "version", reason: `only v${target.version} (latest)` }]);
  }
}

interface Ctx {
  projectId: string;
  principal: Principal;
  async: boolean;
  signal?: AbortSignal;
}

async function answer(ctx: Ctx, jobs: { id: string }[], views: string[]): Promise<FeastMaterializeAnswer> {
  if (ctx.async) return { status: 202, body: JSON.stringify({ status: "accepted", feature_views: views }) };
  await waitForJobs(
    jobs.map((j) => j.id),
    { signal: ctx.signal },
  );
  return { status: 200, body: "null" };
}

export async function feastMaterialize(ctx: Ctx, body: unknown): Promise<FeastMaterializeAnswer> {
  const b = parse(FeastMaterializeBody, body);
  if (b.disable_event_timestamp) {
    throw badRequest("disable_event_timestamp is not supported: Larder's point-in-time semantics need event times; send start_ts and end_ts.", [
      { name: "disable_event_timestamp", reason: "not supported" },
    ]);
  }
  if (!b.start_ts || !b.end_ts) throw badRequest("start_ts and end_ts are required when disable_event_timestamp is False", [{ name: b.start_ts ? "end_ts" : "start_ts", reason: "required" }]);
  await checkVersion(ctx.projectId, b.feature_views, b.version);
  const jobs = await materialize({
    projectId: ctx.projectId,
    featureViews: b.feature_views ?? undefined,
    start: time("start_ts", b.start_ts),
    end: time("end_ts", b.end_ts),
    triggeredBy: triggeredByOf(ctx.principal),
  });
  return answer(ctx, jobs, await viewNames(ctx.projectId, b.feature_views));
}

export async function feastMaterializeIncremental(ctx: Ctx, body: unknown): Promise<FeastMaterializeAnswer> {
  const b = parse(FeastMaterializeIncrementalBody, body);
  await checkVersion(ctx.projectId, b.feature_views, b.version);
  const r = await materializeIncremental({
    projectId: ctx.projectId,
    featureViews: b.feature_views ?? undefined,
    triggeredBy: triggeredByOf(ctx.principal),
    now: time("end_ts", b.end_ts),
  });
  return answer(ctx, r.jobs, await viewNames(ctx.projectId, b.feature_views));
}

async function viewNames(projectId: string, names: string[] | null | undefined): Promise<string[]> {
  return (await resolveTargetViews(projectId, names ?? undefined)).map((v) => v.viewName);
}
