import { clsx } from "clsx";

export function ProgressBar({ value, status, label }: { value: number; status?: string; label?: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  const colour = status === "failed" ? "bg-red-500" : status === "succeeded" ? "bg-emerald-500" : status === "cancelled" ? "bg-slate-400" : "bg-sky-500";
  return (
    <div className="flex items-center gap-2">
      <div role="progressbar" aria-label={label ?? "Progress"} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="h-1.5 w-24 overflow-hidden rounded-full bg-surface-2">
        <div className={clsx("h-full rounded-full transition-[width]", colour)} style={{ width: `${pct}%` }} />
      </div>
      <span className="w-9 text-right text-xs tabular-nums text-fg-muted">{pct}%</span>
    </div>
  );
}
