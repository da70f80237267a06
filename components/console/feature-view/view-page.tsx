"use client";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo } from "react";
import { GitFork, History, Lock } from "lucide-react";
import type { FeatureViewDetailOut, FeatureViewVersionOut } from "@/lib/console/api-types";
import { formatDateTime, formatRelative, formatSeconds, freshnessTone } from "@/lib/console/format";
import { links } from "@/lib/console/links";
import { featureRefs } from "@/lib/console/snippets";
import { missingVersion } from "@/lib/console/not-found";
import { formatSql } from "@/lib/console/sql-highlight";
import { Badge, DtypeBadge, TagList } from "../../ui/badge";
import { buttonClass } from "../../ui/button";
import { Card, CardBody, CardHeader, Facts, PageHeader } from "../../ui/card";
import { CodeBlock } from "../../ui/code-block";
import { EmptyState } from "../../ui/empty-state";
import { NativeSelect } from "../../ui/input";
import { Tabs } from "../../ui/tabs";
import { TD, TH, THead, TR, Table } from "../../ui/table";
import { NotFound } from "../not-found";
import { useProjectAccess } from "../project-context";
import { QueryState } from "../query-state";
import { MaterializationPanel } from "./materialization-panel";
import { MetadataEditor } from "./metadata-editor";
import { SnippetsPanel } from "./snippets-panel";
import { StatsPanel } from "./stats-charts";
import { QualityResults } from "../monitoring/quality-table";
import { PreviewPanel } from "./preview-panel";
import { joinKeysOf, useFeatureView } from "./use-feature-view";
import { VersionsPanel } from "./versions-diff";

const TABS = ["features", "definition", "versions", "statistics", "preview", "quality", "materialization", "usage", "snippets"] as const;

export function aggregationLabel(agg: Record<string, unknown> | null): string {
  if (!agg) return "";
  return `${String(agg.function)}(${String(agg.column)}) over ${String(agg.window ?? formatSeconds(Number(agg.windowSeconds)))}`;
}

function SchemaTable({ project, view, version }: { project: string; view: string; version: FeatureViewVersionOut }) {
  const joinKeys = joinKeysOf(version.definition);
  return (
    <Table label="Schema">
      <THead>
        <tr>
          <TH>Column</TH>
          <TH>Type</TH>
          <TH>Kind</TH>
          <TH>Description / aggregation</TH>
        </tr>
      </THead>
      <tbody>
        {joinKeys.map((k) => (
          <TR key={`jk-${k.name}`}>
            <TD className="font-mono text-xs">{k.name}</TD>
            <TD>
              <DtypeBadge dtype={k.dtype} />
            </TD>
            <TD>
              <Badge tone="muted">join key</Badge>
            </TD>
            <TD />
          </TR>
        ))}
        {version.features.map((f) => (
          <TR key={f.name} id={`feature-${f.name}`}>
            <TD>
              <Link href={links.feature(project, view, f.name)} className="font-mono text-xs font-medium hover:underline">
                {f.name}
              </Link>
            </TD>
            <TD>
              <DtypeBadge dtype={f.dtype} />
            </TD>
            <TD>{f.kind === "aggregation" ? <Badge tone="info">aggregation</Badge> : <Badge tone="muted">field</Badge>}</TD>
            <TD className="text-fg-muted">{f.kind === "aggregation" ? <code className="text-xs">{aggregationLabel(f.aggregation)}</code> : f.description || "—"}</TD>
          </TR>
        ))}
      </tbody>
    </Table>
  );
}

export function DefinitionPanel({ version }: { version: FeatureViewVersionOut }) {
  const def = version.definition as { view?: { aggregations?: unknown[] }; source?: Record<string, unknown> };
  const aggs = (def.view?.aggregations ?? []) as Array<{ column: string; function: string; windows: string[] }>;
  const transform = useMemo(() => (version.transform ? formatSql(version.transform) : null), [version.transform]);
  return (
    <div className="space-y-4">
      <section>
        <h3 className="mb-1.5 text-sm font-medium">Transform</h3>
        {transform ? (
          <CodeBlock code={transform} language="sql" label="SQL" />
        ) : (
          <p className="text-sm text-fg-muted">No transform: features read the source columns directly.</p>
        )}
      </section>
      <section>
        <h3 className="mb-1.5 text-sm font-medium">Aggregations</h3>
        {aggs.length ? (
          <ul className="space-y-1 text-sm">
            {aggs.map((a, i) => (
              <li key={i}>
                <code>
                  {a.function}({a.column})
                </code>{" "}
                over {a.windows.join(", ")}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-fg-muted">None.</p>
        )}
      </section>
      <section>
        <h3 className="mb-1.5 text-sm font-medium">Source as applied</h3>
        <CodeBlock code={JSON.stringify(def.source ?? {}, null, 2)} label="source" />
      </section>
    </div>
  );
}

function UsagePanel({ project, view }: { project: string; view: FeatureViewDetailOut }) {
  const { featureServices, models } = view.usedBy;
  if (!featureServices.length && !models.length) {
    return <EmptyState title="No feature service uses this view yet" next="Reference its features from a feature service (e.g. view:feature) in the repo to serve them to a model." />;
  }
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Card>
        <CardHeader title="Feature services" />
        <ul className="divide-y divide-line">
          {featureServices.map((s) => (
            <li key={s.name} className="px-4 py-2 text-sm">
              <Link className="font-medium hover:underline" href={links.featureService(project, s.name)}>
                {s.name}
              </Link>
              {s.archived ? <Badge tone="muted" className="ml-2">archived</Badge> : null}
            </li>
          ))}
        </ul>
      </Card>
      <Card>
        <CardHeader title="Models" />
        <ul className="divide-y divide-line">
          {models.map((m) => (
            <li key={m.name} className="px-4 py-2 text-sm">
              <Link className="font-medium hover:underline" href={links.model(project, m.name)}>
                {m.name}
              </Link>
              <span className="ml-2 text-xs text-fg-muted">via {m.via.join(", ")}</span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

export function ViewPage({ project, view }: { project: string; view: string }) {
  const q = useFeatureView(project, view);
  return (
    <QueryState query={q} page>
      {(data) => <ViewPageBody project={project} view={data} />}
    </QueryState>
  );
}

function ViewPageBody({ project, view }: { project: string; view: FeatureViewDetailOut }) {
  const access = useProjectAccess();
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const asked = sp.get("version");
  const version = asked === null ? view.versions.find((v) => v.isLatest) ?? view.versions[0] : view.versions.find((v) => String(v.version) === asked);
  const tab = (TABS as readonly string[]).includes(sp.get("tab") ?? "") ? (sp.get("tab") as string) : "features";
  const setParam = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(sp.toString());
    if (v) next.set(k, v);
    else next.delete(k);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  useEffect(() => {
    // Links like …?version=2#feature-x (from the API's hrefs) land on the feature row.
    const hash = window.location.hash.slice(1);
    if (hash.startsWith("feature-")) document.getElementById(hash)?.scrollIntoView({ block: "center" });
  }, []);
  if (!version) return <NotFound missing={missingVersion(project, view.name, asked ?? "", view.versions.map((v) => v.version), view.latestVersion)} />;
  const tone = freshnessTone(view.freshness.materializedUntil, version.ttlSeconds);
  return (
    <>
      {version.isLatest ? null : (
        <div role="status" data-testid="old-version-banner" className="mb-4 flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm dark:border-amber-800 dark:bg-amber-950/40">
          <span>
            <History aria-hidden className="mr-1.5 inline size-4 align-[-3px]" />
            <strong>
              v{version.version} of {view.versions.length} — latest is v{view.latestVersion}.
            </strong>{" "}
            This page shows the definition as of v{version.version}, applied {formatDateTime(version.createdAt)}.
          </span>
          <Link href={links.featureView(project, view.name)} className="font-medium underline">
            Show v{view.latestVersion}
          </Link>
        </div>
      )}
      <PageHeader
        title={
          <span className="inline-flex items-center gap-2">
            {view.name}
            {view.restricted ? (
              <Badge tone="warning" title="Values readable only by members granted this view">
                <Lock aria-hidden className="size-3" /> restricted
              </Badge>
            ) : null}
            {view.archived ? <Badge tone="muted">archived</Badge> : null}
          </span>
        }
        subtitle={view.description || <span className="italic">No description.</span>}
        actions={
          <>
            <Link href={links.lineage(project, `view:${view.name}`)} className={buttonClass("secondary", "sm")}>
              <GitFork aria-hidden className="size-3.5" /> Lineage
            </Link>
            {access.can["definitions.edit"] ? <MetadataEditor project={project} view={view.name} description={view.description} owner={view.owner} tags={view.tags} /> : null}
          </>
        }
      />
      <Card className="mb-5">
        <CardBody className="grid gap-6 md:grid-cols-2">
          <Facts
            items={[
              ["Owner", view.owner || "—"],
              ["Entities", <span key="e">{version.entityNames.map((e, i) => [i ? ", " : "", <Link key={e} className="hover:underline" href={links.entity(project, e)}>{e}</Link>])}</span>],
              ["Source", <Link key="s" className="hover:underline" href={links.source(project, version.sourceName)}>{version.sourceName}</Link>],
              ["TTL", formatSeconds(version.ttlSeconds)],
              ["Tags", <TagList key="t" tags={view.tags} max={8} />],
            ]}
          />
          <Facts
            items={[
              [
                "Version",
                <span key="v" className="inline-flex items-center gap-2">
                  <label htmlFor="version-pick" className="sr-only">
                    Version
                  </label>
                  <NativeSelect id="version-pick" className="h-7 w-28 text-xs" value={version.version} onChange={(e) => setParam("version", e.target.value === String(view.latestVersion) ? undefined : e.target.value)}>
                    {view.versions.map((v) => (
                      <option key={v.version} value={v.version}>
                        v{v.version}
                        {v.isLatest ? " (latest)" : ""}
                      </option>
                    ))}
                  </NativeSelect>
                  <span className="text-xs text-fg-muted">created {formatDateTime(version.createdAt)}</span>
                </span>,
              ],
              ["Features", String(version.features.length)],
              [
                "Freshness",
                <Badge key="f" tone={tone}>
                  {view.freshness.materializedUntil ? `data until ${formatRelative(view.freshness.materializedUntil)}` : "not materialized"}
                </Badge>,
              ],
              ["Schedule", version.materialization.schedule ? <code key="c">{version.materialization.schedule}</code> : "manual"],
            ]}
          />
        </CardBody>
      </Card>
      <Tabs
        label="Feature view sections"
        value={tab}
        onValueChange={(t) => setParam("tab", t === "features" ? undefined : t)}
        tabs={[
          { value: "features", label: "Schema", content: <Card><SchemaTable project={project} view={view.name} version={version} /></Card> },
          { value: "definition", label: "Definition", content: <DefinitionPanel version={version} /> },
          { value: "versions", label: `Versions (${view.versions.length})`, content: <VersionsPanel versions={view.versions} onOpen={(v) => setParam("version", String(v))} /> },
          { value: "statistics", label: "Statistics", content: <StatsPanel project={project} view={view.name} version={version.version} features={version.features.map((f) => f.name)} /> },
          ...(access.can["features.read"]
            ? [{ value: "preview", label: "Preview", content: <PreviewPanel project={project} view={view.name} version={version.version} joinKeys={joinKeysOf(version.definition).map((k) => k.name)} /> }]
            : []),
          { value: "quality", label: "Data quality", content: <QualityResults project={project} view={view.name} /> },
          { value: "materialization", label: "Materialization", content: <MaterializationPanel project={project} view={view} /> },
          { value: "usage", label: "Used by", content: <UsagePanel project={project} view={view} /> },
          {
            value: "snippets",
            label: "Snippets",
            content: <SnippetsPanel project={project} selection={{ features: featureRefs(view.name, version.features.slice(0, 3).map((f) => f.name), version.isLatest ? undefined : version.version) }} />,
          },
        ]}
      />
    </>
  );
}
