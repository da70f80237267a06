// The push request and result (Larder's /api/v1 and the feature server share them).
import "server-only";
import { z } from "zod";
import { PgText } from "../shared/pg-text";

export const PushBody = z
  .object({
    // Looked up in the registry; the df's values go to Redis and Parquet as they came.
    push_source_name: PgText.min(1),
    df: z
      .record(z.string(), z.unknown())
      .describe("Columns of the pushed rows: column → values (equal lengths); a single value is repeated down the rows, as in a pandas DataFrame."),
    to: z.enum(["online", "offline", "online_and_offline"]).default("online"),
    /** Accepted for Feast compatibility; the registry is always checked for changes first. */
    allow_registry_cache: z.boolean().optional(),
    /** Feast's flag for on-demand views transformed on write; accepted (Larder has none). */
    transform_on_write: z.boolean().optional(),
  })
  .strict();

export const PushResult = z.object({
  push_source_name: z.string(),
  rows: z.number().int(),
  online: z.object({ views: z.array(z.string()), rows_written: z.number().int() }).nullable(),
  offline: z.object({ files: z.array(z.string()), rows_written: z.number().int() }).nullable(),
  ignored_columns: z.array(z.string()).describe("df columns no view or file uses (an online push ignores them, as Feast does)."),
});
