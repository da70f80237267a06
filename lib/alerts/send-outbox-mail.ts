// The processor body of the `alerts` queue: sends one MailOutbox row through SMTP, at most once
// per row (a row already sent is skipped), recording status, attempts and the last error.
import "server-only";
import type { Job as BullJob } from "bullmq";
import { env } from "../config/env";
import { db } from "../db/client";
import { AlertPayload } from "../queues/contracts";
import { mailTransport } from "./mail-transport";
import { log } from "../config/log";

export async function sendOutboxMail(bull: Pick<BullJob, "data" | "attemptsMade" | "opts">): Promise<{ status: string }> {
  const { outboxId } = AlertPayload.parse(bull.data);
  const row = await db().mailOutbox.findUnique({ where: { id: outboxId } });
  if (!row) return { status: "missing" };
  if (row.status === "sent") return { status: "already-sent" };
  const attempt = bull.attemptsMade + 1;
  const maxAttempts = bull.opts.attempts ?? 1;
  await db().mailOutbox.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });

  const transport = mailTransport();
  if (!transport) {
    log().info({ to: row.to, subject: row.subject, text: row.text }, "mail recorded, not sent (SMTP_URL unset)");
    await db().mailOutbox.update({
      where: { id: row.id },
      data: { status: "sent", sentAt: new Date(), error: "not sent: SMTP_URL is unset; written to the worker log" },
    });
    return { status: "logged" };
  }
  try {
    await transport.sendMail({ from: env().MAIL_FROM, to: row.to, subject: row.subject, text: row.text });
  } catch (e) {
    await db().mailOutbox.update({
      where: { id: row.id },
      data: { status: attempt >= maxAttempts ? "failed" : "pending", error: (e as Error).message?.slice(0, 2000) ?? String(e) },
    });
    throw e;
  }
  await db().mailOutbox.update({ where: { id: row.id }, data: { status: "sent", sentAt: new Date(), error: null } });
  return { status: "sent" };
}
