// Next runs of a view's cron schedule (UTC, like the worker's job schedulers).
import { CronExpressionParser } from "cron-parser";

export function nextRuns(cron: string | undefined | null, count = 3, from = new Date()): Date[] {
  if (!cron) return [];
  try {
    const it = CronExpressionParser.parse(cron, { currentDate: from, tz: "UTC" });
    return it.take(count).map((d) => d.toDate());
  } catch {
    return [];
  }
}
