import { describe, expect, it } from "vitest";
import { nextRuns } from "./schedule";
import { cliSnippet, curlOnlineSnippet, curlTrainingSnippet, featureRefs, pythonSnippet, snippetsFor, typescriptSnippet, type SnippetInput } from "./snippets";

const BIG = "9223372036854775807";
const example = { joinKeys: [{ name: "customer_id", dtype: "int64" }], entityRows: [{ customer_id: 17 }, { customer_id: BIG }], at: "2025-03-31T00:00:00.000Z" };
const input: SnippetInput = { origin: "http://localhost:3000", project: "retail", selection: { features: ["customer_spend:amount"] }, example };
const service: SnippetInput = { ...input, selection: { featureService: "churn_v1" } };

/** The JSON body of a curl snippet (undoing the shell's single quotes). */
const curlBody = (s: string) => JSON.parse(/-d '(.*)'$/m.exec(s)![1].replace(/'\\''/g, "'"));

describe("snippets", () => {
  it("references features as view:feature, pinned when a version is given", () => {
    expect(featureRefs("customer_spend", ["amount_sum_7d"])).toEqual(["customer_spend:amount_sum_7d"]);
    expect(featureRefs("customer_spend", [], 2)).toEqual(["customer_spend@v2"]);
  });

  it("puts the example's keys and time in every snippet, int64 keys with every digit", () => {
    expect(curlBody(curlOnlineSnippet(input))).toEqual({ features: ["customer_spend:amount"], entities: { customer_id: [17, BIG] } });
    expect(curlBody(curlTrainingSnippet(input)!)).toEqual({
      features: ["customer_spend:amount"],
      entity_rows: [
        { customer_id: 17, event_timestamp: example.at },
        { customer_id: BIG, event_timestamp: example.at },
      ],
    });
    const py = pythonSnippet(input);
    expect(py).toContain(`entity_rows=[{"customer_id": 17}, {"customer_id": ${BIG}}]`);
    expect(py).toContain(`"customer_id": [17, ${BIG}],`);
    expect(py).toContain(`pd.to_datetime(["${example.at}", "${example.at}"], utc=True)`);
    expect(typescriptSnippet(input)).toContain(`entities: {"customer_id":[17,"${BIG}"]}`);
    const cli = cliSnippet(input);
    expect(cli).toContain(`larder get-online --project 'retail' --features 'customer_spend:amount' --entity 'customer_id=17,${BIG}'`);
    expect(cli).toContain(JSON.stringify([{ customer_id: 17, event_timestamp: example.at }, { customer_id: BIG, event_timestamp: example.at }]));
  });

  it("asks for a feature service by name", () => {
    expect(curlBody(curlOnlineSnippet(service))).toEqual({ feature_service: "churn_v1", entities: { customer_id: [17, BIG] } });
    expect(pythonSnippet(service)).toContain(`feature_service="churn_v1"`);
    expect(typescriptSnippet(service)).toContain(`feature_service: "churn_v1"`);
    expect(cliSnippet(service)).toContain(`--feature-service 'churn_v1'`);
  });

  it("quotes for the shell and Python what would break them", () => {
    const odd: SnippetInput = { ...input, project: "it's", example: { joinKeys: [{ name: "id", dtype: "string" }], entityRows: [{ id: `o'brien "x"` }], at: null } };
    expect(curlBody(curlOnlineSnippet(odd))).toEqual({ features: ["customer_spend:amount"], entities: { id: [`o'brien "x"`] } });
    expect(pythonSnippet(odd)).toContain(`{"id": "o'brien \\"x\\""}`);
    expect(cliSnippet(odd)).toContain(`--project 'it'\\''s'`);
  });

  it("gives the CLI only keys --entity reads back as they are", () => {
    const keys = (ids: string[]): SnippetInput => ({ ...input, example: { joinKeys: [{ name: "id", dtype: "string" }], entityRows: ids.map((id) => ({ id })), at: null } });
    expect(cliSnippet(keys(["a,b", "c"]))).toContain(`--entity 'id=c'`);
    expect(cliSnippet(keys(["true", "1.5", "x"]))).toContain(`--entity 'id=x'`);
    const none = cliSnippet(keys(["a,b"]));
    expect(none).not.toContain("larder get-online");
    expect(none).toContain("--entity cannot spell these keys");
    // Numbers in a numeric key are fine.
    expect(cliSnippet(input)).toContain(`--entity 'customer_id=17,${BIG}'`);
  });

  it("leaves training out without a materialized time, and shows nothing without keys", () => {
    const noTime = { ...input, example: { ...example, at: null } };
    expect(curlTrainingSnippet(noTime)).toBeNull();
    expect(pythonSnippet(noTime)).not.toContain("get_historical_features");
    expect(typescriptSnippet(noTime)).not.toContain("getHistoricalFeatures");
    expect(cliSnippet(noTime)).not.toContain("get-historical");
    expect(snippetsFor(noTime).map((s) => s.id)).toEqual(["python", "typescript", "curl-online", "cli"]);
    expect(snippetsFor(input).map((s) => s.id)).toEqual(["python", "typescript", "curl-online", "curl-training", "cli"]);
    expect(snippetsFor({ ...input, example: { ...example, entityRows: [] } })).toEqual([]);
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
