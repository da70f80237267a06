"use client";
// Detail pages of entities, sources, feature services and models.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { GitFork } from "lucide-react";
import { api } from "@/lib/console/api-client";
import type { EntityDetailOut, FeatureServiceDetailOut, ModelDetailOut, ResolvedFeatureOut, SourceDetailOut } from "@/lib/console/api-types";
import { formatDateTime } from "@/lib/console/format";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { Badge, DtypeBadge, TagList } from "../../ui/badge";
import { buttonClass } from "../../ui/button";
import { Card, CardBody, CardHeader, Facts, PageHeader } from "../../ui/card";
import { CodeBlock } from "../../ui/code-block";
import { TD, TH, THead, TR, Table } from "../../ui/table";
import { QueryState } from "../query-state";
import { type CatalogKind } from "./catalog-list-page";
import { useProjectAccess } from "../project-context";
import { SourcePreview } from "./source-preview";
import { SnippetsPanel } from "../feature-view/snippets-panel";

type DetailKind = Exclude<CatalogKind, "feature-views">;
const LINEAGE_PREFIX: Record<DetailKind, string> = { entities: "entity", sources: "source", "feature-services": "service", models: "model" };

function ViewList({ project, views, empty }: { project: string; views: Array<{ name: string; latestVersion: number }>; empty: string }) {
  if (!views.length) return <p className="text-sm text-fg-muted">{empty}</p>;
  return (
    <ul className="space-y-1 text-sm">
      {views.map((v) => (
        <li key={v.name}>
          <Link className="font-medium hover:underline" href={links.featureView(project, v.name)}>
            {v.name}
          </Link>{" "}
          <span className="text-fg-subtle">v{v.latestVersion}</span>
        </li>
      ))}
    </ul>
  );
}

function ResolvedFeatures({ project, features }: { project: string; features: ResolvedFeatureOut[] }) {
  return (
    <Table label="Features">
      <THead>
        <tr>
          <TH>Feature</TH>
          <TH>View</TH>
          <TH>Type</TH>
          <TH>Pinned</TH>
        </tr>
      </THead>
      <tbody>
        {features.map((f) => (
          <TR key={f.ref}>
            <TD>
              <Link className="font-mono text-xs font-medium hover:underline" href={links.feature(project, f.view, f.name)}>
                {f.name}
              </Link>
              {!f.exists ? <Badge tone="danger" className="ml-2">missing</Badge> : null}
            </TD>
            <TD>
              <Link className="hover:underline" href={links.featureView(project, f.view)}>
                {f.view}
              </Link>{" "}
              <span className="text-xs text-fg-subtle">v{f.version}</span>
            </TD>
            <TD>
              <DtypeBadge dtype={f.dtype} />
            </TD>
            <TD className="text-fg-muted">{f.pinned ? `v${f.version}` : "follows latest"}</TD>
          </TR>
        ))}
      </tbody>
    </Table>
  );
}

type AnyDetail = (EntityDetailOut | SourceDetailOut | FeatureServiceDetailOut | ModelDetailOut) & { name: string };

export function ObjectPage({ project, kind, name }: { project: string; kind: DetailKind; name: string }) {
  const access = useProjectAccess();
  const q = useQuery({
    queryKey: qk.object(project, kind, name),
    queryFn: ({ signal }) => api.get<AnyDetail>(`/api/v1/projects/${encodeURIComponent(project)}/${kind}/${encodeURIComponent(name)}`, undefined, signal),
  });
  return (
    <QueryState query={q} page>
      {(o) => (
        <>
          <PageHeader
            title={
              <span className="inline-flex items-center gap-2">
                {o.name}
                {o.archived ? <Badge tone="muted">archived</Badge> : null}
              </span>
            }
            subtitle={o.description || <span className="italic">No description.</span>}
            actions={
              <Link href={links.lineage(project, `${LINEAGE_PREFIX[kind]}:${o.name}`)} className={buttonClass("secondary", "sm")}>
                <GitFork aria-hidden className="size-3.5" /> Lineage
              </Link>
            }
          />
          <div className="grid gap-4 lg:grid-cols-2">
            <Card>
              <CardHeader title="About" />
              <CardBody>
                <Facts
                  items={[
                    ["Owner", o.owner || "—"],
                    ["Tags", <TagList key="t" tags={o.tags} max={10} />],
                    ["Updated", formatDateTime(o.updatedAt)],
                    ...(kind === "entities" ? ([["Join keys", <span key="jk" className="font-mono text-xs">{(o as EntityDetailOut).joinKeys.map((k) => `${k.name}: ${k.dtype}`).join(", ")}</span>]] as Array<[string, React.ReactNode]>) : []),
                    ...(kind === "sources"
                      ? ([
                          ["Kind", (o as SourceDetailOut).kind],
                          ["Timestamp field", <code key="ts">{(o as SourceDetailOut).timestampField}</code>],
                          ["Created timestamp", (o as SourceDetailOut).createdTimestampField ?? "—"],
                        ] as Array<[string, React.ReactNode]>)
                      : []),
                  ]}
                />
              </CardBody>
            </Card>
            {kind === "entities" || kind === "sources" ? (
              <Card>
                <CardHeader title="Feature views" description={kind === "entities" ? "Views that describe this entity." : "Views that read this source."} />
                <CardBody>
                  <ViewList project={project} views={(o as EntityDetailOut).featureViews} empty="No feature view uses it yet." />
                </CardBody>
              </Card>
            ) : (
              <Card>
                <CardHeader title={kind === "models" ? "Feature services" : "Models"} />
                <CardBody>
                  <ul className="space-y-1 text-sm">
                    {(kind === "models" ? (o as ModelDetailOut).featureServiceRefs : (o as FeatureServiceDetailOut).modelRefs).map((r) => (
                      <li key={r.name}>
                        <Link className="font-medium hover:underline" href={kind === "models" ? links.featureService(project, r.name) : links.model(project, r.name)}>
                          {r.name}
                        </Link>
                      </li>
                    ))}
                    {(kind === "models" ? (o as ModelDetailOut).featureServiceRefs : (o as FeatureServiceDetailOut).modelRefs).length === 0 ? (
                      <li className="text-fg-muted">{kind === "models" ? "This model reads no feature service." : "No model uses this service yet. Register one under `models:` in the repo."}</li>
                    ) : null}
                  </ul>
                </CardBody>
              </Card>
            )}
          </div>
          {kind === "sources" ? (
            <Card className="mt-4">
              <CardHeader title="Definition" />
              <CardBody>
                <CodeBlock code={JSON.stringify((o as SourceDetailOut).definition, null, 2)} label="definition" />
              </CardBody>
            </Card>
          ) : null}
          {kind === "sources" && access.can["features.read"] ? <SourcePreview project={project} source={name} /> : null}
          {kind === "feature-services" || kind === "models" ? (
            <Card className="mt-4">
              <CardHeader title="Features" description={kind === "models" ? "Every feature the model reads, through its services." : "References resolved to view versions."} />
              <ResolvedFeatures project={project} features={(o as FeatureServiceDetailOut | ModelDetailOut).features} />
            </Card>
          ) : null}
          {kind === "feature-services" ? (
            <Card className="mt-4">
              <CardHeader title="Fetch these features" description="Online and training-data retrieval by feature service, with keys and a time from this project's data." />
              <CardBody>
                <SnippetsPanel project={project} selection={{ featureService: o.name }} />
              </CardBody>
            </Card>
          ) : null}
          {kind === "models"
            ? (o as ModelDetailOut).featureServiceRefs.map((r) => (
                <Card key={r.name} className="mt-4">
                  <CardHeader title={`Fetch this model's features (${r.name})`} description="Retrieval through the model's feature service, with keys and a time from this project's data." />
                  <CardBody>
                    <SnippetsPanel project={project} selection={{ featureService: r.name }} />
                  </CardBody>
                </Card>
              ))
            : null}
        </>
      )}
    </QueryState>
  );
}
