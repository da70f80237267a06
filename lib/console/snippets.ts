// Copyable snippets that fetch features (docs/console.md, "Snippets"): Python (the `larder` client),
// TypeScript (the SDK), curl and the CLI, online and for training data. Their entity keys and time
// come from the data when the page renders (GET …/example-entities): keys of the newest materialized
// partition, checked online, and an instant that is materialized offline, so each runs as pasted.
// Without keys there is no snippet to run: the panel says why instead of inventing keys.

export type ExampleKey = string | number | boolean;

export interface SnippetExample {
  joinKeys: { name: string; dtype: string }[];
  entityRows: Record<string, ExampleKey>[];
  /** ISO instant at which historical retrieval answers; null = training snippets are left out. */
  at: string | null;
}

export interface SnippetInput {
  origin: string;
  project: string;
  /** Feature refs (`view:feature`, `view@v2:feature`, `view`), or a feature service. */
  selection: { features: string[] } | { featureService: string };
  example: SnippetExample;
}

export interface Snippet {
  id: "python" | "typescript" | "curl-online" | "curl-training" | "cli";
  title: string;
  code: string;
}

/** `view:feature` refs, pinned (`view@v2`) when a version is given; no features = the whole view. */
export function featureRefs(view: string, features: string[], version?: number): string[] {
  const v = version ? `${view}@v${version}` : view;
  return features.length ? features.map((f) => `${v}:${f}`) : [v];
}

const INT = /^int(32|64)$/;

/** A key as a Python literal: ints bare (Python ints have every digit), strings quoted. */
function pyValue(v: ExampleKey, dtype: string): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (INT.test(dtype) && /^-?\d+$/.test(String(v))) return String(v);
  return typeof v === "number" ? String(v) : JSON.stringify(v);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function columns(e: SnippetExample): Record<string, ExampleKey[]> {
  return Object.fromEntries(e.joinKeys.map((k) => [k.name, e.entityRows.map((r) => r[k.name])]));
}

function trainingRows(e: SnippetExample): Record<string, ExampleKey>[] {
  return e.entityRows.map((r) => ({ ...r, event_timestamp: e.at! }));
}

function selectionJson(i: SnippetInput): Record<string, unknown> {
  return "features" in i.selection ? { features: i.selection.features } : { feature_service: i.selection.featureService };
}

export function pythonSnippet(i: SnippetInput): string {
  const e = i.example;
  const sel = "features" in i.selection ? `features=${JSON.stringify(i.selection.features)}` : `feature_service=${JSON.stringify(i.selection.featureService)}`;
  const rows = e.entityRows.map((r) => `{${e.joinKeys.map((k) => `${JSON.stringify(k.name)}: ${pyValue(r[k.name], k.dtype)}`).join(", ")}}`);
  const lines = [
    `import pandas as pd`,
    `from larder import Client  # pip install ./clients/python`,
    ``,
    `client = Client(${JSON.stringify(i.origin)}, project=${JSON.stringify(i.project)})  # token from LARDER_TOKEN`,
    ``,
    `# Latest values (online store)`,
    `online = client.get_online_features(`,
    `    ${sel},`,
    `    entity_rows=[${rows.join(", ")}],`,
    `)`,
    `print(online.to_df())`,
  ];
  if (e.at) {
    lines.push(
      ``,
      `# Training data, point in time: one row per (entity, time) of your label table`,
      `entity_df = pd.DataFrame({`,
      ...e.joinKeys.map((k) => `    ${JSON.stringify(k.name)}: [${e.entityRows.map((r) => pyValue(r[k.name], k.dtype)).join(", ")}],`),
      `    "event_timestamp": pd.to_datetime([${e.entityRows.map(() => JSON.stringify(e.at)).join(", ")}], utc=True),`,
      `})`,
      `training = client.get_historical_features(entity_df, ${sel})`,
      `print(training)`,
    );
  }
  return lines.join("\n");
}

export function typescriptSnippet(i: SnippetInput): string {
  const e = i.example;
  const sel = "features" in i.selection ? `features: ${JSON.stringify(i.selection.features)}` : `feature_service: ${JSON.stringify(i.selection.featureService)}`;
  const lines = [
    `import { LarderClient, onlineRows } from "larder/client";`,
    ``,
    `const larder = new LarderClient({ baseUrl: ${JSON.stringify(i.origin)}, token: process.env.LARDER_TOKEN });`,
    ``,
    `// Latest values (online store)`,
    `const online = await larder.getOnlineFeatures(${JSON.stringify(i.project)}, {`,
    `  ${sel},`,
    `  entities: ${JSON.stringify(columns(e))},`,
    `});`,
    `console.table(onlineRows(online));`,
  ];
  if (e.at) {
    lines.push(
      ``,
      `// Training data, point in time: one row per (entity, time) of your label table`,
      `const training = await larder.getHistoricalFeatures(${JSON.stringify(i.project)}, {`,
      `  ${sel},`,
      `  entities: { rows: ${JSON.stringify(trainingRows(e))} },`,
      `});`,
      `console.dir(training, { depth: null });`,
    );
  }
  return lines.join("\n");
}

function curl(i: SnippetInput, path: string, body: unknown, accept?: string): string[] {
  return [
    `curl -sS --fail-with-body -X POST ${shellQuote(`${i.origin}/api/v1/projects/${encodeURIComponent(i.project)}/${path}`)} \\`,
    `  -H "Authorization: Bearer $LARDER_TOKEN" \\`,
    `  -H 'Content-Type: application/json'${accept ? ` -H ${shellQuote(`Accept: ${accept}`)}` : ""} \\`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ];
}

export function curlOnlineSnippet(i: SnippetInput): string {
  return curl(i, "online-features", { ...selectionJson(i), entities: columns(i.example) }).join("\n");
}

/** Null when there is no instant to train at (see SnippetExample.at). */
export function curlTrainingSnippet(i: SnippetInput): string | null {
  if (!i.example.at) return null;
  return [
    `# Point-in-time correct training data: one row per (entity, time) of your label table.`,
    ...curl(i, "historical-features", { ...selectionJson(i), entity_rows: trainingRows(i.example) }, "application/json"),
  ].join("\n");
}

/** Whether `larder get-online --entity k=v1,v2` reads `v` back as the key (lib/cli/commands/retrieval.ts, parseEntityOption). */
function cliSpells(v: ExampleKey, dtype: string): boolean {
  const text = String(v);
  if (text.includes(",")) return false;
  return dtype !== "string" || !(text === "true" || text === "false" || /^-?\d+\.\d+$/.test(text));
}

export function cliSnippet(i: SnippetInput): string {
  const e = i.example;
  const sel = "features" in i.selection ? `--features ${shellQuote(i.selection.features.join(","))}` : `--feature-service ${shellQuote(i.selection.featureService)}`;
  const rows = e.entityRows.filter((r) => e.joinKeys.every((k) => cliSpells(r[k.name], k.dtype)));
  const entity = e.joinKeys.map((k) => `--entity ${shellQuote(`${k.name}=${rows.map((r) => String(r[k.name])).join(",")}`)}`).join(" ");
  const lines = [
    `export LARDER_URL=${shellQuote(i.origin)}  # and LARDER_TOKEN`,
    ``,
    `# Latest values (online store)`,
    rows.length
      ? `larder get-online --project ${shellQuote(i.project)} ${sel} ${entity}`
      : `# (--entity cannot spell these keys: a comma, or a string key that reads as true/false/a decimal; the other snippets can)`,
  ];
  if (e.at) {
    lines.push(
      ``,
      `# Training data, point in time, from an entity table (.json rows here; .csv and .parquet work too)`,
      `cat > entities.json <<'EOF'`,
      JSON.stringify(trainingRows(e)),
      `EOF`,
      `larder get-historical --project ${shellQuote(i.project)} ${sel} --entities entities.json`,
    );
  }
  return lines.join("\n");
}

/** Every snippet of a selection, in the panel's order; empty when there are no keys to show. */
export function snippetsFor(i: SnippetInput): Snippet[] {
  if (!i.example.entityRows.length) return [];
  const training = curlTrainingSnippet(i);
  return [
    { id: "python", title: "Python (larder client)", code: pythonSnippet(i) },
    { id: "typescript", title: "TypeScript SDK", code: typescriptSnippet(i) },
    { id: "curl-online", title: "curl: online API", code: curlOnlineSnippet(i) },
    ...(training ? [{ id: "curl-training" as const, title: "curl: training data (point in time)", code: training }] : []),
    { id: "cli", title: "CLI", code: cliSnippet(i) },
  ];
}
