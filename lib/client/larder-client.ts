// The typed TypeScript SDK: online features, historical features, push and registry reads, over
// the REST API (or, for online reads and push, the lean Feast-compatible feature server).
// Built on the generic client in http.ts (auth, problem+json errors).
import type { OnlineFeaturesResponse } from "../online/read-types";
import { createClient, requestRaw, type ClientOptions, type LarderClient as HttpClient } from "./http";

export type { OnlineFeaturesResponse };
export type ViewVersionPreview = import("zod").infer<typeof import("../api/endpoints/preview").ViewVersionPreview>;
export type SourcePreview = import("zod").infer<typeof import("../api/endpoints/preview").SourcePreview>;
export type EntityValue = string | number | boolean;

export interface FeatureSelection {
  /** `view:feature`, `view@v2:feature` or `view`. */
  features?: string[];
  feature_service?: string;
  full_feature_names?: boolean;
}

export interface OnlineRequest extends FeatureSelection {
  entities: Record<string, EntityValue[]>;
}

export interface PushRequest {
  push_source_name: string;
  df: Record<string, unknown[]>;
  to?: "online" | "offline" | "online_and_offline";
}

export interface PushResult {
  push_source_name: string;
  rows: number;
  online: { views: string[]; rows_written: number; skipped: { view: string; reason: string }[] } | null;
  offline: { files: string[]; rows_written: number } | null;
  /** df columns no view or file uses (an online push ignores them). */
  ignored_columns: string[];
}

export interface HistoricalJson {
  columns: string[];
  rows: Record<string, unknown>[];
}

export interface HistoricalJobAccepted {
  job: { id: string; status: string; kind: "historical" };
  rows: number;
  result_url: string;
}

export type EntityTable =
  | { rows: Record<string, unknown>[] }
  | { parquet: Uint8Array }
  | { csv: string | Uint8Array };

export interface HistoricalRequest extends FeatureSelection {
  entities: EntityTable;
  event_timestamp_column?: string;
  as_job?: boolean;
}

export interface LarderClientOptions extends ClientOptions {
  /** Base URL of the feature server (`npm run feature-server`) for online reads; default: the API. */
  featureServerUrl?: string;
}

const PARQUET = "application/vnd.apache.parquet";

/** Feast's column-oriented answer as one object per entity row: `{ feature: value }`. */
export function onlineRows(res: OnlineFeaturesResponse): Record<string, unknown>[] {
  const n = res.results[0]?.values.length ?? 0;
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    res.metadata.feature_names.forEach((name, c) => (row[name] = res.results[c].values[i]));
    rows.push(row);
  }
  return rows;
}

export class LarderClient {
  readonly http: HttpClient;
  private readonly opts: LarderClientOptions;

  constructor(opts: LarderClientOptions) {
    this.opts = opts;
    this.http = createClient(opts);
  }

  private p(project: string): string {
    return `/api/v1/projects/${encodeURIComponent(project)}`;
  }

  private featureServer(): HttpClient | null {
    return this.opts.featureServerUrl ? createClient({ ...this.opts, baseUrl: this.opts.featureServerUrl }) : null;
  }

  // ── online ────────────────────────────────────────────────────────────────
  getOnlineFeatures(project: string, req: OnlineRequest): Promise<OnlineFeaturesResponse> {
    const fs = this.featureServer();
    if (fs) return fs.request("POST", "/get-online-features", { ...req, project });
    return this.http.request("POST", `${this.p(project)}/online-features`, req);
  }

  // ── push ──────────────────────────────────────────────────────────────────
  /** Through the API, which answers with what was written (the feature server answers Feast's empty 200). */
  push(project: string, req: PushRequest): Promise<PushResult> {
    return this.http.request("POST", `${this.p(project)}/push`, req);
  }

  // ── preview ───────────────────────────────────────────────────────────────
  /** Sample rows of a view version (exact JSON values); `entity` filters by join key (and compares online/offline). */
  previewFeatureView(
    project: string,
    view: string,
    version: number,
    opts: { limit?: number; entity?: Record<string, string | number>; start?: string; end?: string } = {},
  ): Promise<ViewVersionPreview> {
    const q = new URLSearchParams();
    if (opts.limit !== undefined) q.set("limit", String(opts.limit));
    for (const [k, v] of Object.entries(opts.entity ?? {})) q.append("entity", `${k}=${v}`);
    if (opts.start) q.set("start", opts.start);
    if (opts.end) q.set("end", opts.end);
    const qs = q.toString();
    return this.http.request("GET", `${this.p(project)}/feature-views/${encodeURIComponent(view)}/versions/${version}/preview${qs ? `?${qs}` : ""}`);
  }

  /** A source's schema and first rows. */
  previewSource(project: string, source: string, opts: { limit?: number } = {}): Promise<SourcePreview> {
    const qs = opts.limit !== undefined ? `?limit=${opts.limit}` : "";
    return this.http.request("GET", `${this.p(project)}/sources/${encodeURIComponent(source)}/preview${qs}`);
  }

  // ── historical ────────────────────────────────────────────────────────────
  /** The raw answer in the format `accept` asks for (200 with the table, or 202 with a job). */
  async getHistoricalFeaturesResponse(project: string, req: HistoricalRequest, accept: string): Promise<Response> {
    const path = `${this.p(project)}/historical-features`;
    const e = req.entities;
    if ("rows" in e) {
      const body = {
        features: req.features,
        feature_service: req.feature_service,
        full_feature_names: req.full_feature_names,
        event_timestamp_column: req.event_timestamp_column,
        as_job: req.as_job,
        entity_rows: e.rows,
      };
      return requestRaw(this.opts, "POST", path, { body: JSON.stringify(body), contentType: "application/json", accept });
    }
    const q = new URLSearchParams();
    if (req.features) q.set("features", req.features.join(","));
    if (req.feature_service) q.set("feature_service", req.feature_service);
    if (req.full_feature_names) q.set("full_feature_names", "true");
    if (req.event_timestamp_column) q.set("event_timestamp_column", req.event_timestamp_column);
    if (req.as_job) q.set("as_job", "true");
    const body = "parquet" in e ? e.parquet : e.csv;
    return requestRaw(this.opts, "POST", `${path}?${q}`, {
      body: body as BodyInit,
      contentType: "parquet" in e ? PARQUET : "text/csv",
      accept,
    });
  }

  /** Point-in-time features as JSON rows (or a job when the table is large / as_job). */
  async getHistoricalFeatures(project: string, req: HistoricalRequest): Promise<HistoricalJson | HistoricalJobAccepted> {
    const res = await this.getHistoricalFeaturesResponse(project, req, "application/json");
    return (await res.json()) as HistoricalJson | HistoricalJobAccepted;
  }

  /** Point-in-time features as a Parquet file (bytes), or a job when the table is large / as_job. */
  async getHistoricalFeaturesParquet(project: string, req: HistoricalRequest): Promise<{ parquet: Uint8Array } | HistoricalJobAccepted> {
    const res = await this.getHistoricalFeaturesResponse(project, req, PARQUET);
    if (res.status === 202) return (await res.json()) as HistoricalJobAccepted;
    return { parquet: new Uint8Array(await res.arrayBuffer()) };
  }

  /** Downloads a finished historical job's Parquet result (throws 409 while it runs). */
  async historicalJobResult(project: string, jobId: string): Promise<Uint8Array> {
    const res = await requestRaw(this.opts, "GET", `${this.p(project)}/historical-features/jobs/${encodeURIComponent(jobId)}/result`, { accept: PARQUET });
    return new Uint8Array(await res.arrayBuffer());
  }

  /** Polls a job until it is final; returns its row. */
  async waitForJob(jobId: string, opts: { intervalMs?: number; timeoutMs?: number } = {}): Promise<{ id: string; status: string; error?: string | null }> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
    for (;;) {
      const raw = await this.http.request<{ id: string; status: string; error?: string | null; job?: { id: string; status: string; error?: string | null } }>("GET", `/api/v1/jobs/${encodeURIComponent(jobId)}`);
      const job = raw.job ?? raw;
      if (["succeeded", "failed", "cancelled"].includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${job.status} after waiting`);
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
    }
  }

  // ── registry ──────────────────────────────────────────────────────────────
  listProjects<T = unknown>(): Promise<T> {
    return this.http.request("GET", "/api/v1/projects");
  }
  getProject<T = unknown>(project: string): Promise<T> {
    return this.http.request("GET", this.p(project));
  }
  listEntities<T = unknown>(project: string): Promise<T> {
    return this.http.request("GET", `${this.p(project)}/entities`);
  }
  listFeatureViews<T = unknown>(project: string): Promise<T> {
    return this.http.request("GET", `${this.p(project)}/feature-views`);
  }
  getFeatureView<T = unknown>(project: string, view: string): Promise<T> {
    return this.http.request("GET", `${this.p(project)}/feature-views/${encodeURIComponent(view)}`);
  }
  listFeatures<T = unknown>(project: string, query: Record<string, string> = {}): Promise<T> {
    const q = new URLSearchParams(query).toString();
    return this.http.request("GET", `${this.p(project)}/features${q ? `?${q}` : ""}`);
  }
  listFeatureServices<T = unknown>(project: string): Promise<T> {
    return this.http.request("GET", `${this.p(project)}/feature-services`);
  }
  getFeatureService<T = unknown>(project: string, name: string): Promise<T> {
    return this.http.request("GET", `${this.p(project)}/feature-services/${encodeURIComponent(name)}`);
  }
}
