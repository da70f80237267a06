import { describe, expect, it } from "vitest";
import { nextRuns } from "./schedule";
import { curlOnlineSnippet, featureRefs, sdkOnlineSnippet, trainingSnippet } from "./snippets";

const input = { origin: "http://localhost:3000", project: "retail", view: "customer_spend", features: ["amount_sum_7d"], joinKeys: [{ name: "customer_id", dtype: "int64" }] };

describe("snippets", () => {
  it("references features as view:feature, pinned when a version is given", () => {
    expect(featureRefs(input)).toEqual(["customer_spend:amount_sum_7d"]);
    expect(featureRefs({ ...input, version: 2, features: [] })).toEqual(["customer_spend@v2"]);
  });
  it("builds a curl call whose body is valid JSON", () => {
    const s = curlOnlineSnippet(input);
    expect(s).toContain("/api/v1/projects/retail/online-features");
    const body = JSON.parse(/-d '(.*)'$/m.exec(s)![1]);
    expect(body).toEqual({ features: ["customer_spend:amount_sum_7d"], entities: { customer_id: [1001] } });
  });
  it("builds SDK and training snippets", () => {
    expect(sdkOnlineSnippet(input)).toContain('getOnlineFeatures("retail"');
    expect(trainingSnippet(input)).toContain("historical-features");
  });
});

describe("nextRuns", () => {
  it("lists the next cron runs in UTC and ignores bad expressions", () => {
    const runs = nextRuns("0 * * * *", 2, new Date("2025-01-01T10:30:00Z"));
    expect(runs.map((d) => d.toISOString())).toEqual(["2025-01-01T11:00:00.000Z", "2025-01-01T12:00:00.000Z"]);
    expect(nextRuns("not cron")).toEqual([]);
    expect(nextRuns(undefined)).toEqual([]);
  });
});
