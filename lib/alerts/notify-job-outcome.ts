// Job alerts (docs/jobs.md): a top-level job that failed after its last attempt, or the first success
// of a view after failures, queues one e-mail per subscriber (of the project, or of the view).
// Each mail is recorded in MailOutbox first under a dedupeKey `job:<id>:<event>:<userId>`, so a
// second trigger for the same job and event finds the row and sends nothing new.
import "server-only";
import { env } from "../config/env";
import { db } from "../db/client";
import { enqueueAlert } from "../queues/contracts";

export type AlertEvent = "failed" | "recovered";

export interface JobAlertMail {
  subject: string;
  text: string;
}

export function jobUrl(projectName: string, jobId: string): string {
  return `${env().PUBLIC_URL.replace(/\/+$/, "")}/projects/${encodeURIComponent(projectName)}/jobs/${encodeURIComponent(jobId)}`;
}

export function composeJobAlert(input: {
  event: AlertEvent;
  projectName: string;
  viewNames: string[];
  jobId: string;
  kind: string;
  windowStart: Date | null;
  windowEnd: Date | null;
  attempts: number;
  error: string | null;
  errorStep: string | null;
}): JobAlertMail {
  const what = input.viewNames.length ? input.viewNames.join(", ") : "(all views)";
  const status = input.event === "failed" ? "FAILED" : "recovered";
  const kind = input.kind.replace(/_/g, "-");
  const subject = `[Larder] ${input.projectName}/${what}: ${kind} ${status}`;
  const window = input.windowStart && input.windowEnd ? `${input.windowStart.toISOString()} → ${input.windowEnd.toISOString()}` : "—";
  const lines = [
    input.event === "failed"
      ? `The ${kind} job for ${what} in project ${input.projectName} failed after ${input.attempts} attempt(s).`
      : `The ${kind} job for ${what} in project ${input.projectName} succeeded after earlier failures.`,
    "",
    `Feature view: ${what}`,
    `Window:       ${window}`,
    `Status:       ${input.event === "failed" ? "failed" : "succeeded"}`,
  ];
  if (input.event === "failed") {
    lines.push(`Failed step:  ${input.errorStep ?? "unknown"}`, `Error:        ${input.error ?? "(no message)"}`);
  }
  lines.push("", `Details and logs: ${jobUrl(input.projectName, input.jobId)}`, "", "You get this e-mail because you subscribed to job alerts in Larder.");
  return { subject, text: lines.join("\n") };
}

/** Decides whether a finished job alerts anyone and queues the mails. Returns how many were queued. */
export async function notifyJobOutcome(jobId: string): Promise<number> {
  const job = await db().job.findUnique({ where: { id: jobId }, include: { project: true, featureView: true } });
  if (!job || job.parentId) return 0;

  let event: AlertEvent | undefined;
  if (job.status === "failed") event = "failed";
  else if (job.status === "succeeded" && job.featureViewId) {
    const previous = await db().job.findFirst({
      where: {
        featureViewId: job.featureViewId,
        parentId: null,
        id: { not: job.id },
        status: { in: ["succeeded", "failed"] },
        finishedAt: { lte: job.finishedAt ?? new Date() },
      },
      orderBy: { finishedAt: "desc" },
      select: { status: true },
    });
    if (previous?.status === "failed") event = "recovered";
  }
  if (!event) return 0;

  // The views the job is about: its own, or (a backfill over several views) the ones in its params.
  const paramViews = ((job.params as { views?: { featureViewId: string; viewName: string }[] })?.views ?? []).filter(
    (v) => v && typeof v.featureViewId === "string",
  );
  const viewIds = job.featureViewId ? [job.featureViewId] : paramViews.map((v) => v.featureViewId);
  const viewNames = job.featureView ? [job.featureView.name] : paramViews.map((v) => v.viewName);

  const subs = await db().alertSubscription.findMany({
    where: {
      projectId: job.projectId,
      OR: [{ featureViewId: null }, ...(viewIds.length ? [{ featureViewId: { in: viewIds } }] : [])],
      user: { disabledAt: null },
    },
    include: { user: { select: { id: true, email: true } } },
  });
  const recipients = new Map(subs.map((s) => [s.user.id, s.user.email]));
  if (recipients.size === 0) return 0;

  const mail = composeJobAlert({
    event,
    projectName: job.project.name,
    viewNames,
    jobId: job.id,
    kind: job.kind,
    windowStart: job.windowStart,
    windowEnd: job.windowEnd,
    attempts: job.attempts,
    error: job.error,
    errorStep: job.errorStep,
  });
  const keys = [...recipients.keys()].map((userId) => `job:${job.id}:${event}:${userId}`);
  await db().mailOutbox.createMany({
    data: [...recipients].map(([userId, to]) => ({ dedupeKey: `job:${job.id}:${event}:${userId}`, to, subject: mail.subject, text: mail.text })),
    skipDuplicates: true,
  });
  // Enqueue every still-pending row (the BullMQ job id is the outbox id, so a repeat adds nothing).
  const pending = await db().mailOutbox.findMany({ where: { dedupeKey: { in: keys }, status: "pending" }, select: { id: true } });
  for (const p of pending) await enqueueAlert({ outboxId: p.id });
  return pending.length;
}
