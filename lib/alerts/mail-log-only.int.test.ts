// Without SMTP_URL a mail is not sent: the outbox row is marked sent with a note and the mail is
// written to the log; a second delivery of the same row does nothing.
import { describe, expect, it, vi } from "vitest";
import { jobsTestEnv, uniqueName } from "../../test/support/jobs";

jobsTestEnv();
delete process.env.SMTP_URL;
const { db } = await import("../db/client");
const { sendOutboxMail } = await import("./send-outbox-mail");
const { log: rootLog } = await import("../config/log");

describe("mail without SMTP_URL", () => {
  it("is logged and recorded, not sent, and never twice", async () => {
    const row = await db().mailOutbox.create({ data: { dedupeKey: uniqueName("test"), to: "a@example.com", subject: "[Larder] x", text: "body" } });
    const log = vi.spyOn(rootLog(), "info").mockImplementation(() => undefined);
    const bull = { data: { outboxId: row.id }, attemptsMade: 0, opts: { attempts: 5 } };
    expect(await sendOutboxMail(bull)).toEqual({ status: "logged" });
    expect(log.mock.calls).toEqual([[{ to: "a@example.com", subject: "[Larder] x", text: "body" }, "mail recorded, not sent (SMTP_URL unset)"]]);
    expect(await sendOutboxMail(bull)).toEqual({ status: "already-sent" });
    log.mockRestore();
    const after = await db().mailOutbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ status: "sent", attempts: 1, error: expect.stringMatching(/SMTP_URL is unset/) });
  });
});
