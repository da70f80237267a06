// What of a DuckDB (or file system) error may reach a client or a job's error, which viewers read:
// it says what to fix, never what a file holds and never where Larder keeps its files
// (docs/security.md, "Errors say what to fix, never what a file holds").
import "server-only";

/** What stands in for a path an error message named. */
export const PATH_PLACEHOLDER = "<path>";

/**
 * The message with every absolute path, `file://` URI and `.data/…` path replaced by `<path>`: the
 * upload's temp file, the offline store's partitions, result and push files, the server's folders.
 * URLs (`https://…/a`), divisions and dates (`1/2`, `2024/01/01`) are left alone.
 */
export function scrubPaths(text: string): string {
  return text
    .replace(/file:\/\/[^\s'"`,;)\]]*/gi, PATH_PLACEHOLDER)
    .replace(/(^|[\s'"`(=,[])\.{0,2}\/?\.data\/[^\s'"`,;)\]]*/g, (_m, pre: string) => `${pre}${PATH_PLACEHOLDER}`)
    .replace(/(^|[\s'"`(=,[])\/[^\s'"`,;)\]]+/g, (_m, pre: string) => `${pre}${PATH_PLACEHOLDER}`);
}

/**
 * The first line of a DuckDB error, without what could quote a file, and without paths (scrubPaths):
 * CSV sniffer and conversion errors can include lines of the file they read. Binder and parser
 * errors (missing columns, bad syntax) are about the user's own SQL and are kept, since they say
 * what to fix; DuckDB's "Candidate bindings" and caret context on the next lines are not.
 */
export function duckErrorSummary(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split("\n").find((l) => l.trim() !== "")?.trim() ?? msg;
  if (/^(Binder|Parser|Catalog|Permission) Error/i.test(first)) return scrubPaths(first.slice(0, 500));
  const kind = /^([A-Za-z ]+ Error)/.exec(first)?.[1] ?? "Error";
  if (/sniff|dialect|CSV/i.test(msg)) return `${kind}: the file could not be parsed as CSV`;
  if (/parquet|magic bytes|footer/i.test(msg)) return `${kind}: the file is not a readable Parquet file`;
  return `${kind}: the file could not be read`;
}

/**
 * The first line of an error about data the caller sent themselves (an entity table): a conversion
 * error may quote their own value, which says what to fix, but no path and no DuckDB internals
 * (binder and catalog errors name Larder's own relations, not the caller's columns).
 */
export function ownDataErrorSummary(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split("\n").find((l) => l.trim() !== "")?.trim() ?? msg;
  if (/^(Binder|Catalog|Parser) Error/i.test(first)) return "its columns could not be matched to what the features need";
  if (/magic bytes|footer|not a parquet/i.test(first)) return "the file is not a readable Parquet file";
  return scrubPaths(first.slice(0, 300));
}
