import { clsx } from "clsx";
import type { ReactNode } from "react";

export type BadgeTone = "neutral" | "accent" | "info" | "warning" | "danger" | "success" | "muted";

const TONES: Record<BadgeTone, string> = {
  neutral: "bg-surface-2 text-fg border-line-strong",
  accent: "bg-accent-soft text-brand-800 dark:text-brand-200 border-brand-300 dark:border-brand-700",
  info: "bg-sky-50 text-sky-800 border-sky-200 dark:bg-sky-950 dark:text-sky-200 dark:border-sky-800",
  warning: "bg-amber-50 text-amber-800 border-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:border-amber-800",
  danger: "bg-red-50 text-red-800 border-red-200 dark:bg-red-950 dark:text-red-200 dark:border-red-800",
  success: "bg-emerald-50 text-emerald-800 border-emerald-200 dark:bg-emerald-950 dark:text-emerald-200 dark:border-emerald-800",
  muted: "bg-transparent text-fg-muted border-line",
};

export function Badge({ tone = "neutral", className, children, title }: { tone?: BadgeTone; className?: string; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={clsx("inline-flex items-center gap-1 rounded border px-1.5 py-0.5 text-[11px] font-medium leading-none whitespace-nowrap", TONES[tone], className)}
    >
      {children}
    </span>
  );
}

export const JOB_STATUS_TONE: Record<string, BadgeTone> = {
  queued: "neutral",
  running: "info",
  retrying: "warning",
  succeeded: "success",
  failed: "danger",
  cancelled: "muted",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={JOB_STATUS_TONE[status] ?? "neutral"} className="capitalize">
      <span aria-hidden className={clsx("size-1.5 rounded-full bg-current", status === "running" && "animate-pulse")} />
      {status}
    </Badge>
  );
}

export function DtypeBadge({ dtype }: { dtype: string | null | undefined }) {
  if (!dtype) return null;
  return <Badge tone="muted" className="font-mono">{dtype}</Badge>;
}

export function TagList({ tags, max = 4 }: { tags: Record<string, string> | null | undefined; max?: number }) {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return null;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {entries.slice(0, max).map(([k, v]) => (
        <Badge key={k} tone={k === "restricted" && v === "true" ? "warning" : "accent"}>
          {k}: {v}
        </Badge>
      ))}
      {entries.length > max ? <Badge tone="muted">+{entries.length - max}</Badge> : null}
    </span>
  );
}
