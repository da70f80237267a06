import "server-only";
import { recordAudit } from "../audit/record";
import type { AuthenticatedPrincipal } from "../auth/principal";
import { db } from "../db/client";
import { notFound } from "../errors";
import { SUBSCRIPTION_INCLUDE } from "./views";

/** Deletes one subscription: the caller's own, or anyone's when they may manage alerts. */
export async function unsubscribeAlerts(
  project: { id: string; name: string },
  subscriptionId: string,
  caller: AuthenticatedPrincipal,
  callerCanManage: boolean,
): Promise<void> {
  await db().$transaction(async (tx) => {
    const s = await tx.alertSubscription.findFirst({ where: { id: subscriptionId, projectId: project.id }, include: SUBSCRIPTION_INCLUDE });
    // Someone else's subscription looks absent: callers cannot see them, so cannot probe for them.
    if (!s || (!callerCanManage && s.userId !== caller.userId)) {
      throw notFound(`You have no alert subscription "${subscriptionId}" in "${project.name}".`);
    }
    await tx.alertSubscription.delete({ where: { id: s.id } });
    await recordAudit(
      {
        actor: caller,
        projectId: project.id,
        action: "alert_subscription.delete",
        targetType: "alert_subscription",
        targetName: `${s.user.email} → ${s.featureView?.name ?? "(all views)"}`,
        details: { subscriptionId: s.id },
      },
      tx,
    );
  });
}
