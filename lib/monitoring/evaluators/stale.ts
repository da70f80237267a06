// stale: a view whose newest materialized event time, or last successful run, is older than its
// freshness objective (the repo's `freshness`, default twice the schedule's interval).
import "server-only";
import { viewFreshness } from "../../registry/view-freshness";
import { hrefs, viewSubject, type Evaluator } from "../conditions";

const human = (s: number) => (s % 86400 === 0 ? `${s / 86400}d` : s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

export const evaluateStale: Evaluator = async (p) => {
  const fr = await viewFreshness(p.id, p.now);
  return [...fr].flatMap(([view, f]) =>
    f
      ? [
          {
            kind: "stale" as const,
            subject: viewSubject(view),
            viewName: view,
            firing: f.stale,
            summary: f.stale ? `${view} is stale (objective ${human(f.objectiveSeconds)}): ${f.reason}` : `${view} is fresh (objective ${human(f.objectiveSeconds)})`,
            href: hrefs.view(p.name, view),
            evidence: { objectiveSeconds: f.objectiveSeconds, materializedUntil: f.materializedUntil?.toISOString() ?? null, newestEventTime: f.newestEventTime?.toISOString() ?? null, lastSuccessAt: f.lastSuccessAt?.toISOString() ?? null },
          },
        ]
      : [],
  );
};
