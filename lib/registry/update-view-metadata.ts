// Edit a feature view's description, owner or tags in place from the console/API (no new version;
// audited). The next apply from a repo sets them back to what the repo says. Tags that make the view
// restricted or lift its restriction need a project admin (restriction-change.ts); every edit runs
// the after-change step, so search and the read caches see it at once.
import "server-only";
import type { Prisma } from "../db/generated/client";
import { recordAudit, type AuditEntry } from "../audit/record";
import { db } from "../db/client";
import { badRequest, notFound } from "../errors";
import { canonicalJson } from "./definition-hash";
import { afterRegistryChange } from "./after-registry-change";
import { isRestricted } from "./repo-schema";
import { assertMayChangeRestriction } from "./restriction-change";
import type { ViewMetadata, ViewMetadataPatch } from "./plan-schema";

export { ViewMetadata, ViewMetadataPatch } from "./plan-schema";

export async function updateViewMetadata(input: {
  project: { id: string; name: string };
  view: string;
  patch: ViewMetadataPatch;
  actor: AuditEntry["actor"];
}): Promise<ViewMetadata> {
  const { patch } = input;
  if (patch.description === undefined && patch.owner === undefined && patch.tags === undefined) {
    throw badRequest("Nothing to change; send at least one of description, owner, tags.");
  }
  const projectId = input.project.id;
  const result = await db().$transaction(async (tx) => {
    const v = await tx.featureView.findUnique({ where: { projectId_name: { projectId, name: input.view } } });
    if (!v || v.archivedAt) throw notFound(`Feature view "${input.view}" does not exist in this project.`);
    const before = { description: v.description, owner: v.owner, tags: (v.tags ?? {}) as Record<string, string> };
    const after = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)) } as typeof before;
    const changed = (["description", "owner", "tags"] as const).filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k]));
    const restrictedAfter = isRestricted(after.tags);
    if (restrictedAfter !== v.restricted) assertMayChangeRestriction(input.actor, input.project, [v.name]);
    if (changed.length > 0) {
      await tx.featureView.update({
        where: { id: v.id },
        data: { description: after.description, owner: after.owner, tags: after.tags as Prisma.InputJsonValue, restricted: isRestricted(after.tags) },
      });
      await recordAudit(
        {
          actor: input.actor,
          projectId,
          action: "feature_view.metadata_update",
          targetType: "feature_view",
          targetName: v.name,
          details: { fields: changed, before: pick(before, changed), after: pick(after, changed), version: v.latestVersion },
        },
        tx,
      );
      if (restrictedAfter !== v.restricted) {
        await recordAudit(
          { actor: input.actor, projectId, action: "feature_view.restriction_change", targetType: "feature_view", targetName: v.name, details: { from: v.restricted, to: restrictedAfter } },
          tx,
        );
      }
    }
    return { name: v.name, ...after, restricted: restrictedAfter, latestVersion: v.latestVersion, changed };
  });
  if (result.changed.length > 0) {
    await afterRegistryChange({ kind: "metadata", projectId, projectName: input.project.name });
  }
  return result;
}

function pick<T extends object>(o: T, keys: readonly (keyof T)[]): Partial<T> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Partial<T>;
}
