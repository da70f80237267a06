// The one nodemailer transport per process (SMTP_URL). Unset SMTP_URL = no transport: mails are
// recorded in the outbox and written to the log instead.
import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "../config/env";

const g = globalThis as unknown as { larderMail?: { url: string; transport: Transporter } };

export function mailTransport(): Transporter | undefined {
  const url = env().SMTP_URL;
  if (!url) return undefined;
  if (g.larderMail?.url !== url) {
    g.larderMail?.transport.close();
    g.larderMail = { url, transport: nodemailer.createTransport(url) };
  }
  return g.larderMail.transport;
}

export function closeMailTransport(): void {
  g.larderMail?.transport.close();
  g.larderMail = undefined;
}
