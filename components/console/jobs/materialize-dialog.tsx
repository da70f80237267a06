"use client";
// "Materialize now": pick a window [start, end) (presets or explicit UTC times) and start a job.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Play } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/lib/console/api-client";
import { normalizeJobPage } from "@/lib/console/jobs";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { ErrorState } from "../../ui/error-state";
import { Field, Input } from "../../ui/input";

const PRESETS: Array<[string, number]> = [
  ["Last hour", 3600e3],
  ["Last day", 86400e3],
  ["Last 7 days", 7 * 86400e3],
  ["Last 30 days", 30 * 86400e3],
  ["Last 90 days", 90 * 86400e3],
];

/** datetime-local value (minutes) of an instant, in UTC. */
export function toUtcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}
export function fromUtcInput(v: string): string {
  return new Date(`${v}:00Z`).toISOString();
}

/** The next whole UTC minute (windows end there by default). */
function nextMinute(): number {
  return Math.ceil(Date.now() / 60000) * 60000;
}

export function MaterializeDialog({ project, view }: { project: string; view: string }) {
  const [open, setOpen] = useState(false);
  const [win, setWin] = useState(() => {
    const now = nextMinute();
    return { start: toUtcInput(now - 7 * 86400e3), end: toUtcInput(now) };
  });
  const client = useQueryClient();
  const router = useRouter();
  const run = useMutation({
    mutationFn: () => api.post<unknown>(`/api/v1/projects/${encodeURIComponent(project)}/materialize`, { featureViews: [view], start: fromUtcInput(win.start), end: fromUtcInput(win.end) }),
    onSuccess: async (res) => {
      await client.invalidateQueries({ queryKey: qk.allJobs() });
      setOpen(false);
      const jobs = normalizeJobPage(res).items;
      const id = jobs[0]?.id;
      const skipped = (res as { skipped?: Array<{ reason: string }> })?.skipped ?? [];
      if (!id && skipped.length) throw new Error(skipped.map((x) => x.reason).join("; "));
      if (id) router.push(links.job(project, id));
    },
  });
  const invalid = !win.start || !win.end || win.start >= win.end;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) run.reset();
      }}
      title={`Materialize ${view}`}
      description="Computes the view's features for event times in [start, end) into the offline store, and the latest values as of end into the online store. Times are UTC."
      trigger={
        <Button size="sm" variant="primary">
          <Play aria-hidden className="size-3.5" /> Materialize now
        </Button>
      }
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) run.mutate();
        }}
      >
        <div className="flex flex-wrap gap-1.5" role="group" aria-label="Window presets">
          {PRESETS.map(([label, span]) => (
            <Button key={label} size="sm" variant="ghost" className="border-line" onClick={() => {
                const now = nextMinute();
                setWin({ start: toUtcInput(now - span), end: toUtcInput(now) });
              }}>
              {label}
            </Button>
          ))}
        </div>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Start (UTC)" htmlFor="mat-start">
            <Input id="mat-start" type="datetime-local" value={win.start} onChange={(e) => setWin({ ...win, start: e.target.value })} />
          </Field>
          <Field label="End (UTC)" htmlFor="mat-end">
            <Input id="mat-end" type="datetime-local" value={win.end} onChange={(e) => setWin({ ...win, end: e.target.value })} />
          </Field>
        </div>
        {invalid ? <p className="text-xs text-danger">The start must be before the end.</p> : null}
        {run.isError ? <ErrorState compact error={run.error} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={invalid || run.isPending}>
            {run.isPending ? "Starting…" : "Start materialization"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
