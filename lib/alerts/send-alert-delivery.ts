// The processor body of the `deliveries` queue: sends one AlertDelivery (e-mail through SMTP, or a
// signed webhook POST), recording attempts, the HTTP status and the last error in the delivery log.
// A failure throws so BullMQ retries it with exponential backoff (WEBHOOK_ATTEMPTS).
import "server-only";
import type { Job as BullJob } from "bullmq";
import { env } from "../config/env";
import { log } from "../config/log";
import { db } from "../db/client";
import { DeliveryPayload } from "../queues/contracts";
import { signWebhook } from "./condition-alert";
import { mailTransport } from "./mail-transport";

/** How long one webhook call may take. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export async function sendAlertDelivery(bull: Pick<BullJob, "data" | "attemptsMade" | "opts">): Promise<{ status: string }> {
  const { deliveryId } = DeliveryPayload.parse(bull.data);
  const row = await db().alertDelivery.findUnique({ where: { id: deliveryId }, include: { target: true } });
  if (!row) return { status: "missing" };
  if (row.status === "sent") return { status: "already-sent" };
  const last = bull.attemptsMade + 1 >= (bull.opts.attempts ?? 1);
  await db().alertDelivery.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
  let responseStatus: number | null = null;
  try {
    if (row.target.channel === "webhook") {
      const body = JSON.stringify(row.payload);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Larder-Alerts", "x-larder-timestamp": timestamp, "x-larder-delivery": row.id };
      if (row.target.secret) headers["x-larder-signature"] = signWebhook(row.target.secret, timestamp, body);
      const res = await fetch(row.target.address, { method: "POST", headers, body, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS), redirect: "manual" });
      responseStatus = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered HTTP ${res.status}`);
    } else {
      const p = row.payload as { to: string; subject: string; text: string };
      const transport = mailTransport();
      if (!transport) {
        log().info({ to: p.to, subject: p.subject, text: p.text }, "alert mail recorded, not sent (SMTP_URL unset)");
        await db().alertDelivery.update({ where: { id: row.id }, data: { status: "sent", sentAt: new Date(), lastError: "not sent: SMTP_URL is unset; written to the worker log" } });
        return { status: "logged" };
      }
      await transport.sendMail({ from: env().MAIL_FROM, to: p.to, subject: p.subject, text: p.text });
    }
  } catch (e) {
    const message = (e as Error).name === "TimeoutError" ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : ((e as Error).message ?? String(e));
    await db().alertDelivery.update({ where: { id: row.id }, data: { status: last ? "failed" : "pending", lastError: message.slice(0, 2000), responseStatus } });
    throw e;
  }
  await db().alertDelivery.update({ where: { id: row.id }, data: { status: "sent", sentAt: new Date(), lastError: null, responseStatus } });
  return { status: "sent" };
}
