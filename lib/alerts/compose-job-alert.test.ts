import { describe, expect, it } from "vitest";
import { composeJobAlert, jobUrl } from "./notify-job-outcome";

const base = {
  projectName: "retail",
  viewNames: ["customer_spend"],
  jobId: "job123",
  kind: "materialize_incremental",
  windowStart: new Date("2024-03-01T00:00:00Z"),
  windowEnd: new Date("2024-03-02T00:00:00Z"),
  attempts: 3,
  error: "Feature view customer_spend, step read_source: file not found",
  errorStep: "read_source",
};

describe("composeJobAlert", () => {
  it("names the view and the status, the failing step and error, and links the job", () => {
    const m = composeJobAlert({ event: "failed", ...base });
    expect(m.subject).toBe("[Larder] retail/customer_spend: materialize-incremental FAILED");
    expect(m.text).toContain("failed after 3 attempt(s)");
    expect(m.text).toContain("Failed step:  read_source");
    expect(m.text).toContain(base.error);
    expect(m.text).toContain(`${jobUrl("retail", "job123")}`);
  });
  it("a recovery has no error section", () => {
    const m = composeJobAlert({ event: "recovered", ...base });
    expect(m.subject).toBe("[Larder] retail/customer_spend: materialize-incremental recovered");
    expect(m.text).not.toContain("Failed step");
  });
});
