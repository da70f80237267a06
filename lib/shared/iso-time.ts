// The zod schema of every time a request names (materialize and backfill windows, preview instants):
// ISO 8601 with a zone, inside the range every store can hold (time-us.ts: 0001-01-01 … 9999-12-31).
// `0000-01-01T00:00:00Z` is a valid ISO string and a valid JS Date, but no partition, Parquet file or
// client can hold it: refused as a 400 naming the field, never a 500 further down.
import { z } from "zod";
import { TIME_RANGE_TEXT, parseIsoUs } from "./time-us";

const FORMAT = "must be an ISO 8601 time with a time zone, e.g. 2024-05-01T00:00:00Z";

/** An ISO 8601 time with a zone, in range; the output is the string as sent. */
export const IsoInstant = z.iso.datetime({ offset: true, message: FORMAT, abort: true }).superRefine((s, ctx) => {
  const t = parseIsoUs(s);
  if ("error" in t) ctx.addIssue({ code: "custom", message: `must lie in ${TIME_RANGE_TEXT} (${t.error})`, input: s });
});

/** IsoInstant as a Date (windows are whole milliseconds). */
export const IsoInstantDate = IsoInstant.transform((s) => new Date(s));
