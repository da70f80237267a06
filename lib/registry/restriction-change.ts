// Whether a view is restricted decides who may read its values, so changing it (either way, by apply
// or by a metadata edit) is an access change: it needs a project admin (definitions.restrict), is
// audited on its own, and takes effect through the after-change step like every registry change.
import "server-only";
import { can } from "../auth/authorize";
import { forbidden } from "../errors";
import type { AuditEntry } from "../audit/record";

export type RegistryActor = AuditEntry["actor"];

/** Throws 403 naming the views unless the actor may change their restriction. */
export function assertMayChangeRestriction(actor: RegistryActor, project: { id: string; name: string }, views: string[]): void {
  if (!views.length || actor.kind === "system") return;
  if (can(actor, "definitions.restrict", project)) return;
  throw forbidden(
    `Changing whether a feature view is restricted needs the admin role in project "${project.name}" (${views.map((v) => `feature view ${v}`).join(", ")}); ask a project admin, or keep the "restricted" tag as it is.`,
  );
}
