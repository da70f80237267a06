"use client";
// Snippets that run as pasted (docs/console.md, "Snippets"): their keys and time come from
// GET …/example-entities when the panel renders; without keys the panel says why instead of
// showing code with made-up ones.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/console/api-client";
import type { ExampleEntitiesOut } from "@/lib/console/api-types";
import { formatDateTime } from "@/lib/console/format";
import { qk } from "@/lib/console/query-keys";
import { useClientValue } from "@/lib/console/use-client-value";
import { snippetsFor, type SnippetInput } from "@/lib/console/snippets";
import { CodeBlock } from "../../ui/code-block";
import { Skeleton } from "../../ui/skeleton";
import { useProjectAccess } from "../project-context";
import { QueryState } from "../query-state";

export function SnippetsPanel({ project, selection }: { project: string; selection: SnippetInput["selection"] }) {
  const access = useProjectAccess();
  const origin = useClientValue(() => window.location.origin, "http://localhost:3000");
  const query = "features" in selection ? { features: selection.features.join(",") } : { feature_service: selection.featureService };
  const canRead = Boolean(access.can["features.read"]);
  const q = useQuery({
    queryKey: qk.exampleEntities(project, query),
    queryFn: ({ signal }) => api.get<ExampleEntitiesOut>(`/api/v1/projects/${encodeURIComponent(project)}/example-entities`, query, signal),
    enabled: canRead,
  });
  if (!canRead) {
    return (
      <p className="text-sm text-fg-muted" data-testid="snippets-note">
        Snippets use real entity keys, which are feature data: your role cannot read feature values, so none are shown. A member with the <strong>consumer</strong> role or higher sees them here.
      </p>
    );
  }
  return (
    <QueryState query={q} skeleton={<Skeleton className="h-40 w-full" />}>
      {(example) => {
        const snippets = snippetsFor({ origin, project, selection, example });
        return (
          <div className="space-y-4" data-testid="snippets">
            {example.notes.length ? (
              <ul className="space-y-1 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm dark:border-amber-800 dark:bg-amber-950/40" data-testid="snippets-note">
                {example.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            ) : null}
            {snippets.length ? (
              <>
                <p className="text-sm text-fg-muted">
                  Set <code>LARDER_TOKEN</code> to an API token with the <strong>consumer</strong> role or higher. The keys are from the newest materialized partition
                  {example.online === "present" ? " and have values online" : ""}
                  {example.at && example.materialized
                    ? `; training rows are at ${formatDateTime(example.at)}, inside the span materialized offline (${formatDateTime(example.materialized.start)} – ${formatDateTime(example.materialized.end)}).`
                    : "."}
                </p>
                {snippets.map((s) => (
                  <section key={s.id} data-testid={`snippet-${s.id}`}>
                    <h3 className="mb-1.5 text-sm font-medium">{s.title}</h3>
                    <CodeBlock code={s.code} label={s.title} />
                  </section>
                ))}
              </>
            ) : null}
          </div>
        );
      }}
    </QueryState>
  );
}
