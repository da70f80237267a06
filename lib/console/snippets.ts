// Copyable snippets that fetch a feature: with the TypeScript SDK, with curl against the online
// API, and for training data (point-in-time historical retrieval).

export interface SnippetInput {
  origin: string;
  project: string;
  view: string;
  version?: number;
  /** Feature names; empty = the whole view. */
  features: string[];
  joinKeys: Array<{ name: string; dtype: string }>;
}

function exampleKey(dtype: string): string | number {
  return /int|float/.test(dtype) ? 1001 : "key-1";
}

export function featureRefs(i: SnippetInput): string[] {
  const v = i.version ? `${i.view}@v${i.version}` : i.view;
  return i.features.length ? i.features.map((f) => `${v}:${f}`) : [v];
}

export function curlOnlineSnippet(i: SnippetInput): string {
  const body = {
    features: featureRefs(i),
    entities: Object.fromEntries(i.joinKeys.map((k) => [k.name, [exampleKey(k.dtype)]])),
  };
  return [
    `curl -s -X POST '${i.origin}/api/v1/projects/${encodeURIComponent(i.project)}/online-features' \\`,
    `  -H "Authorization: Bearer $LARDER_TOKEN" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify(body)}'`,
  ].join("\n");
}

export function sdkOnlineSnippet(i: SnippetInput): string {
  const entities = i.joinKeys.map((k) => `${k.name}: [${JSON.stringify(exampleKey(k.dtype))}]`).join(", ");
  return [
    `import { createClient } from "larder/client";`,
    ``,
    `const larder = createClient({ baseUrl: "${i.origin}", token: process.env.LARDER_TOKEN });`,
    `const online = await larder.getOnlineFeatures("${i.project}", {`,
    `  features: ${JSON.stringify(featureRefs(i))},`,
    `  entities: { ${entities} },`,
    `});`,
  ].join("\n");
}

export function trainingSnippet(i: SnippetInput): string {
  const row = Object.fromEntries([...i.joinKeys.map((k) => [k.name, exampleKey(k.dtype)]), ["event_timestamp", "2025-01-31T00:00:00Z"]]);
  return [
    `# Point-in-time correct training data: one row per (entity, time) of your label table.`,
    `curl -s -X POST '${i.origin}/api/v1/projects/${encodeURIComponent(i.project)}/historical-features' \\`,
    `  -H "Authorization: Bearer $LARDER_TOKEN" \\`,
    `  -H 'Content-Type: application/json' -H 'Accept: text/csv' \\`,
    `  -d '${JSON.stringify({ features: featureRefs(i), entity_rows: [row] })}'`,
    ``,
    `# or with the CLI, from a Parquet label table:`,
    `larder get-historical --project ${i.project} --entities labels.parquet \\`,
    `  --features ${featureRefs(i).join(",")} --out training.parquet`,
  ].join("\n");
}
