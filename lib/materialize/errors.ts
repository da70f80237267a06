// A failed materialization names the view, the step and the cause (issue 3): the job row shows
// `errorStep` and the message; the original error stays attached as `cause`.
import "server-only";
import { scrubPaths } from "../duckdb/error-text";
import { LarderError, type ErrorCode } from "../errors";

export const MATERIALIZE_STEPS = ["load_version", "read_source", "transform", "write_offline", "write_online", "stats", "quality"] as const;
export type MaterializeStep = (typeof MATERIALIZE_STEPS)[number];

export class MaterializationError extends LarderError {
  readonly step: MaterializeStep;
  readonly view: string;
  constructor(view: string, step: MaterializeStep, message: string, opts: { cause?: unknown; code?: ErrorCode } = {}) {
    super(opts.code ?? "unprocessable", `Feature view ${view}, step ${step}: ${message}`, {
      cause: opts.cause,
      details: { view, step },
    });
    this.name = "MaterializationError";
    this.step = step;
    this.view = view;
  }
}

/** Raised when the job was cancelled between batches; nothing was committed. */
export class MaterializationCancelled extends LarderError {
  constructor(view: string) {
    super("conflict", `Feature view ${view}: materialization cancelled before commit; stores unchanged`, {
      details: { view, cancelled: true },
    });
    this.name = "MaterializationCancelled";
  }
}

export function isMaterializationError(e: unknown): e is MaterializationError {
  return e instanceof MaterializationError;
}

/** DuckDB errors about data (a row's value), not about the SQL or the files. */
const DATA_ERROR = /^(Conversion|Invalid Input|Out of Range|Constraint|Mismatch Type|Invalid type|Invalid) Error/i;

/**
 * The first line of a DuckDB / driver error, without the caret context DuckDB appends, and without
 * the values it quotes: a job's error is shown to everyone who may read jobs (viewers included), so
 * a conversion error must not carry the string it could not convert, nor error() in a transform the
 * text it was given, nor any path (docs/security.md, "Errors say what to fix, never what a file holds").
 */
export function causeText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split("\n\nLINE ")[0].split("\n")[0].trim();
  const pgCode = (e as { code?: unknown } | null)?.code;
  const kind = /^([A-Za-z ]+ Error):/.exec(first)?.[1];
  if (kind && /^Invalid Input Error$/i.test(kind)) return `${kind}: a row raised an error (its message is withheld because it can carry values)`;
  // Nor where Larder keeps its files (the offline store, work folders, pushed rows).
  if ((kind && DATA_ERROR.test(kind)) || (typeof pgCode === "string" && pgCode.startsWith("22"))) return scrubPaths(withoutValues(first));
  return scrubPaths(first);
}

/** Quoted literals and bare numbers replaced by "…" ("Could not convert string '…' to INT64"). */
export function withoutValues(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/(?<![A-Za-z_\d.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![A-Za-z_\d])/gi, "…");
}
