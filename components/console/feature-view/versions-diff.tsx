"use client";
import { clsx } from "clsx";
import { useState } from "react";
import type { FeatureViewVersionOut } from "@/lib/console/api-types";
import { definitionDiff, withContext } from "@/lib/console/definition-diff";
import { formatDateTime } from "@/lib/console/format";
import { Badge } from "../../ui/badge";
import { NativeSelect } from "../../ui/input";
import { TD, TH, THead, TR, Table } from "../../ui/table";

export function VersionsPanel({ versions, onOpen }: { versions: FeatureViewVersionOut[]; onOpen: (version: number) => void }) {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const [to, setTo] = useState(sorted[0]?.version ?? 1);
  const [from, setFrom] = useState(sorted[1]?.version ?? sorted[0]?.version ?? 1);
  const a = sorted.find((v) => v.version === from);
  const b = sorted.find((v) => v.version === to);
  const diff = a && b ? definitionDiff(a.definition, b.definition) : null;
  return (
    <div className="space-y-5">
      <Table label="Versions">
        <THead>
          <tr>
            <TH>Version</TH>
            <TH>Created</TH>
            <TH>By</TH>
            <TH>Features</TH>
            <TH>Definition hash</TH>
          </tr>
        </THead>
        <tbody>
          {sorted.map((v) => (
            <TR key={v.version}>
              <TD>
                <button type="button" className="font-medium hover:underline" onClick={() => onOpen(v.version)}>
                  v{v.version}
                </button>
                {v.isLatest ? <Badge tone="accent" className="ml-2">latest</Badge> : null}
              </TD>
              <TD className="text-fg-muted">{formatDateTime(v.createdAt)}</TD>
              <TD className="text-fg-muted" title={v.createdBy}>{v.createdByLabel || v.createdBy || "—"}</TD>
              <TD className="tabular-nums">{v.features.length}</TD>
              <TD className="font-mono text-xs text-fg-muted">{v.definitionHash.slice(0, 12)}</TD>
            </TR>
          ))}
        </tbody>
      </Table>
      {sorted.length < 2 ? (
        <p className="text-sm text-fg-muted">Only one version so far. A change to the source, transform, features, aggregations, entities or ttl creates the next one.</p>
      ) : (
        <section aria-labelledby="diff-title">
          <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
            <h3 id="diff-title" className="font-semibold">
              Compare
            </h3>
            <label htmlFor="diff-from" className="sr-only">
              Old version
            </label>
            <NativeSelect id="diff-from" className="w-24" value={from} onChange={(e) => setFrom(Number(e.target.value))}>
              {sorted.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </NativeSelect>
            <span aria-hidden>→</span>
            <label htmlFor="diff-to" className="sr-only">
              New version
            </label>
            <NativeSelect id="diff-to" className="w-24" value={to} onChange={(e) => setTo(Number(e.target.value))}>
              {sorted.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </NativeSelect>
            {diff ? (
              <span className="text-xs text-fg-muted" data-testid="diff-summary">
                <span className="text-emerald-700 dark:text-emerald-400">+{diff.added}</span> <span className="text-red-700 dark:text-red-400">−{diff.removed}</span> lines
              </span>
            ) : null}
          </div>
          {diff && diff.added + diff.removed === 0 ? (
            <p className="text-sm text-fg-muted">These versions have the same definition.</p>
          ) : diff ? (
            <div role="region" aria-label={`Diff v${from} to v${to}`} className="overflow-x-auto rounded-md border border-line bg-code font-mono text-xs">
              {withContext(diff.lines).map((l, i) =>
                l.kind === "skip" ? (
                  <div key={i} className="border-y border-line bg-surface-2 px-3 py-0.5 text-fg-subtle">
                    ⋯ {l.count} unchanged lines
                  </div>
                ) : (
                  <div
                    key={i}
                    className={clsx(
                      "flex whitespace-pre",
                      l.kind === "add" && "bg-emerald-100/70 dark:bg-emerald-950/60",
                      l.kind === "remove" && "bg-red-100/70 dark:bg-red-950/60",
                    )}
                  >
                    <span className="w-10 shrink-0 pr-2 text-right text-fg-subtle select-none">{l.oldNo ?? ""}</span>
                    <span className="w-10 shrink-0 pr-2 text-right text-fg-subtle select-none">{l.newNo ?? ""}</span>
                    <span className="w-4 shrink-0 select-none" aria-label={l.kind === "add" ? "added" : l.kind === "remove" ? "removed" : undefined}>
                      {l.kind === "add" ? "+" : l.kind === "remove" ? "−" : " "}
                    </span>
                    <span className="pr-4">{l.text}</span>
                  </div>
                ),
              )}
            </div>
          ) : null}
        </section>
      )}
    </div>
  );
}
