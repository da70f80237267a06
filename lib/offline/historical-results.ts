// What a historical job row records: its parameters and the state of its result file.
import "server-only";

/** What a historical Job row's `result` says about its file (run-historical-job.ts writes it; expire-historical-results.ts marks its expiry). */
export interface HistoricalResultJson {
  path?: string;
  rows?: number;
  /** When the retention cleanup deleted the file. */
  expiredAt?: string;
  /** The HISTORICAL_RESULT_TTL_HOURS in force when it did. */
  ttlHours?: number;
}

/** Jobs that finished before this time have outlived their result's retention (HISTORICAL_RESULT_TTL_HOURS). */
export function historicalResultCutoff(now: Date, ttlHours: number): Date {
  return new Date(now.getTime() - ttlHours * 3_600_000);
}

export function historicalResultOf(result: unknown): HistoricalResultJson {
  return result && typeof result === "object" && !Array.isArray(result) ? (result as HistoricalResultJson) : {};
}

/** What a queued historical job needs besides its entity table (Job.params). */
export interface HistoricalJobParams {
  features: string[] | null;
  feature_service: string | null;
  full_feature_names: boolean;
  rows: number;
  timestampColumn: string;
  columns: string[];
  minT: number;
  maxT: number;
  /** Feature view version ids the request resolved to; the worker refuses to compute others. */
  versionIds: string[];
}
