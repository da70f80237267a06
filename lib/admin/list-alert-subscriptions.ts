import "server-only";
import { page, type Page } from "../shared/paging";
import { db } from "../db/client";
import { SUBSCRIPTION_INCLUDE, alertSubscriptionView, type AlertSubscriptionView } from "./views";

/** Subscriptions in a project: only `userId`'s, or everyone's when `userId` is undefined. */
export async function listAlertSubscriptions(
  projectId: string,
  q: { limit: number; offset: number },
  userId?: string,
): Promise<Page<AlertSubscriptionView>> {
  const where = { projectId, ...(userId ? { userId } : {}) };
  const p = await page(
    q,
    () => db().alertSubscription.count({ where }),
    (pg) => db().alertSubscription.findMany({ where, include: SUBSCRIPTION_INCLUDE, orderBy: [{ createdAt: "asc" }, { id: "asc" }], ...pg }),
  );
  return { ...p, items: p.items.map(alertSubscriptionView) };
}
