// A failed materialization names the view, the step and the cause (issue 3): the job row shows
// `errorStep` and the message; the original error stays attached as `cause`.
import "server-only";
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

/** The first line of a DuckDB / driver error, without the caret context DuckDB appends. */
export function causeText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n\nLINE ")[0].split("\n")[0].trim();
}
