"use client";
import Link from "next/link";
import { useRouter, useSearchParams, usePathname } from "next/navigation";
import type { FeatureViewDetailOut, FeatureViewVersionOut } from "@/lib/console/api-types";
import { formatDateTime, formatRelative, formatSeconds } from "@/lib/console/format";
import { links } from "@/lib/console/links";
import { featureRefs } from "@/lib/console/snippets";
import { Badge, DtypeBadge, TagList } from "../../ui/badge";
import { Card, CardBody, CardHeader, Facts, PageHeader } from "../../ui/card";
import { NativeSelect } from "../../ui/input";
import { TD, TH, THead, TR, Table } from "../../ui/table";
import { NotFound } from "../not-found";
import { QueryState } from "../query-state";
import { SnippetsPanel } from "./snippets-panel";
import { StatsPanel } from "./stats-charts";
import { DriftChart } from "../monitoring/drift-chart";
import { useFeatureView } from "./use-feature-view";
import { aggregationLabel, DefinitionPanel } from "./view-page";

export function FeaturePage({ project, view, feature }: { project: string; view: string; feature: string }) {
  const q = useFeatureView(project, view);
  return (
    <QueryState query={q} page>
      {(data) => <FeatureBody project={project} view={data} feature={feature} />}
    </QueryState>
  );
}

function FeatureBody({ project, view, feature }: { project: string; view: FeatureViewDetailOut; feature: string }) {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const withFeature = view.versions.filter((v) => v.features.some((f) => f.name === feature)).sort((a, b) => b.version - a.version);
  if (withFeature.length === 0) return <NotFound />;
  const versionNo = Number(sp.get("version")) || withFeature[0].version;
  const version = withFeature.find((v) => v.version === versionNo) ?? withFeature[0];
  const f = version.features.find((x) => x.name === feature)!;
  const inLatest = view.versions.find((v) => v.isLatest)?.features.some((x) => x.name === feature);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-fg-muted">
        <Link href={links.featureViews(project)} className="hover:underline">
          Feature views
        </Link>{" "}
        /{" "}
        <Link href={links.featureView(project, view.name)} className="hover:underline">
          {view.name}
        </Link>{" "}
        / <span className="text-fg">{feature}</span>
      </nav>
      <PageHeader
        title={
          <span className="inline-flex flex-wrap items-center gap-2">
            <span className="font-mono">{view.name}:{feature}</span>
            <DtypeBadge dtype={f.dtype} />
            {f.kind === "aggregation" ? <Badge tone="info">aggregation</Badge> : null}
            {!inLatest ? <Badge tone="warning">not in latest version</Badge> : null}
          </span>
        }
        subtitle={f.description || view.description || <span className="italic">No description.</span>}
      />
      <div className="mb-5 grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader title="Definition" />
          <CardBody>
            <Facts
              items={[
                [
                  "Version",
                  <span key="v" className="inline-flex items-center gap-2">
                    <label htmlFor="feature-version" className="sr-only">
                      Version
                    </label>
                    <NativeSelect
                      id="feature-version"
                      className="h-7 w-28 text-xs"
                      value={version.version}
                      onChange={(e) => router.replace(`${pathname}?version=${e.target.value}`, { scroll: false })}
                    >
                      {withFeature.map((v) => (
                        <option key={v.version} value={v.version}>
                          v{v.version}
                          {v.isLatest ? " (latest)" : ""}
                        </option>
                      ))}
                    </NativeSelect>
                  </span>,
                ],
                ["Type", <code key="t">{f.dtype}</code>],
                ["Computed as", f.kind === "aggregation" ? <code key="a">{aggregationLabel(f.aggregation)}</code> : "row-level field"],
                ["Entities", view.entities.join(", ")],
                ["TTL", formatSeconds(view.ttlSeconds)],
                ["Owner", view.owner || "—"],
                ["Tags", <TagList key="tags" tags={view.tags} max={8} />],
                ["Freshness", view.freshness.materializedUntil ? `data until ${formatDateTime(view.freshness.materializedUntil)} (${formatRelative(view.freshness.materializedUntil)})` : "not materialized"],
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Used by" description="Services and models that read this feature's view." />
          <CardBody>
            {view.usedBy.featureServices.length === 0 && view.usedBy.models.length === 0 ? (
              <p className="text-sm text-fg-muted">Nothing yet. Add <code>{view.name}:{feature}</code> to a feature service to serve it.</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {view.usedBy.featureServices.map((s) => (
                  <li key={s.name}>
                    Service{" "}
                    <Link className="font-medium hover:underline" href={links.featureService(project, s.name)}>
                      {s.name}
                    </Link>
                  </li>
                ))}
                {view.usedBy.models.map((m) => (
                  <li key={m.name}>
                    Model{" "}
                    <Link className="font-medium hover:underline" href={links.model(project, m.name)}>
                      {m.name}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </CardBody>
        </Card>
      </div>
      <Card className="mb-5">
        <CardHeader title={`Statistics (v${version.version})`} />
        <CardBody>
          {f.kind === "aggregation" ? (
            <AggregateStatsNote project={project} view={view.name} version={version} column={String(f.aggregation?.column ?? "")} />
          ) : null}
          <StatsPanel project={project} view={view.name} version={version.version} features={[feature]} initialFeature={feature} />
        </CardBody>
      </Card>
      <Card className="mb-5">
        <CardHeader title={`Drift (v${version.version})`} description="Population stability index of each partition against the reference declared under monitoring.drift." />
        <CardBody>
          <DriftChart project={project} view={view.name} version={version.version} feature={feature} />
        </CardBody>
      </Card>
      <div className="mb-5 grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader title="History" description="Versions of the view that contain this feature." />
          <Table label="Feature history">
            <THead>
              <tr>
                <TH>Version</TH>
                <TH>Type</TH>
                <TH>Created</TH>
              </tr>
            </THead>
            <tbody>
              {withFeature.map((v) => (
                <TR key={v.version}>
                  <TD>v{v.version}</TD>
                  <TD>
                    <DtypeBadge dtype={v.features.find((x) => x.name === feature)?.dtype} />
                  </TD>
                  <TD className="text-fg-muted">{formatDateTime(v.createdAt)}</TD>
                </TR>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card>
          <CardHeader title="Fetch this feature" />
          <CardBody>
            <SnippetsPanel project={project} selection={{ features: featureRefs(view.name, [feature], version.isLatest ? undefined : version.version) }} />
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="View definition" />
        <CardBody>
          <DefinitionPanel version={version} />
        </CardBody>
      </Card>
    </>
  );
}

/** What an aggregation feature's statistics describe, with a link to the aggregated column's. */
function AggregateStatsNote({ project, view, version, column }: { project: string; view: string; version: FeatureViewVersionOut; column: string }) {
  const columnIsFeature = version.features.some((x) => x.name === column && x.kind !== "aggregation");
  return (
    <p className="mb-3 text-xs text-fg-muted" data-testid="aggregate-stats-note">
      Window aggregate statistics: each partition&apos;s figures are over the entities&apos; values as of the last instant of that day.{" "}
      {columnIsFeature ? (
        <>
          The aggregated column{" "}
          <Link className="underline" href={`${links.feature(project, view, column)}?version=${version.version}`}>
            {column}
          </Link>{" "}
          has its own.
        </>
      ) : null}
    </p>
  );
}
