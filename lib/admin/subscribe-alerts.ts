// Subscribes a user to a project's job alert e-mails (all views, or one view).
import "server-only";
import { recordAudit } from "../audit/record";
import { normalizeEmail } from "../auth/login";
import type { AuthenticatedPrincipal } from "../auth/principal";
import { db } from "../db/client";
import { LarderError, forbidden, notFound } from "../errors";
import { SUBSCRIPTION_INCLUDE, alertSubscriptionView, type AlertSubscriptionView } from "./views";

export async function subscribeAlerts(
  project: { id: string; name: string },
  input: { featureView?: string; userEmail?: string },
  caller: AuthenticatedPrincipal,
  callerCanManage: boolean,
): Promise<{ created: boolean; subscription: AlertSubscriptionView }> {
  let userId = caller.userId;
  let email = caller.email;
  if (input.userEmail && normalizeEmail(input.userEmail) !== caller.email) {
    if (!callerCanManage) throw forbidden("Subscribing someone else needs the admin role (alerts.manage).");
    email = normalizeEmail(input.userEmail);
    const user = await db().user.findUnique({
      where: { email },
      include: { memberships: { where: { projectId: project.id }, select: { id: true } } },
    });
    if (!user) throw notFound(`No user has the e-mail address ${email}.`);
    if (!user.isAdmin && user.memberships.length === 0) {
      throw new LarderError("unprocessable", `${email} is not a member of "${project.name}"; add them as a member first.`);
    }
    userId = user.id;
  }
  let featureViewId: string | null = null;
  if (input.featureView) {
    const v = await db().featureView.findUnique({ where: { projectId_name: { projectId: project.id, name: input.featureView } } });
    if (!v || v.archivedAt) throw notFound(`Project "${project.name}" has no feature view "${input.featureView}".`);
    featureViewId = v.id;
  }
  // The unique index does not cover featureViewId = NULL (NULLs are distinct), so look first.
  const existing = await db().alertSubscription.findFirst({
    where: { userId, projectId: project.id, featureViewId },
    include: SUBSCRIPTION_INCLUDE,
  });
  if (existing) return { created: false, subscription: alertSubscriptionView(existing) };
  return db().$transaction(async (tx) => {
    const s = await tx.alertSubscription.create({ data: { userId, projectId: project.id, featureViewId }, include: SUBSCRIPTION_INCLUDE });
    await recordAudit(
      {
        actor: caller,
        projectId: project.id,
        action: "alert_subscription.create",
        targetType: "alert_subscription",
        targetName: `${email} → ${input.featureView ?? "(all views)"}`,
        details: { subscriptionId: s.id },
      },
      tx,
    );
    return { created: true, subscription: alertSubscriptionView(s) };
  });
}
