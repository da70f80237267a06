// Snippets run as pasted (docs/console.md, "Snippets"): on one page of each kind (feature view,
// feature, feature service, model) every snippet is read from the rendered page and run against
// this run's server — curl through bash, the CLI as `larder` (lib/cli/main.ts), TypeScript through
// tsx, Python through /usr/bin/python3 with the client on PYTHONPATH — with the test token as
// LARDER_TOKEN (the placeholder the snippets show). Each must succeed with every value present.
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

const run = promisify(execFile);
const ROOT = process.cwd();
// The CLI as `npm run larder` runs it; tsx by its path, as the snippet runs in a scratch folder.
const TSX = pathToFileURL(createRequire(path.join(ROOT, "package.json")).resolve("tsx")).href;
const CLI = `node --conditions=react-server --import ${TSX} ${path.join(ROOT, "lib/cli/main.ts")}`;

interface Ran {
  stdout: string;
  stderr: string;
}

async function sh(script: string, env: Record<string, string>, cwd: string): Promise<Ran> {
  return run("bash", ["-euo", "pipefail", "-c", script], { cwd, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 << 20 });
}

/** Values of Feast's online answer, feature columns only (join keys are echoed first). */
function expectOnlineValues(body: string, keyColumns: number) {
  const answer = JSON.parse(body) as { results: { values: unknown[]; statuses: string[] }[] };
  const features = answer.results.slice(keyColumns);
  expect(features.length).toBeGreaterThan(0);
  for (const c of features) {
    expect(c.statuses.every((s) => s === "PRESENT"), JSON.stringify(c)).toBe(true);
    expect(c.values.every((v) => v !== null)).toBe(true);
  }
}

// Run after each snippet in the same process: what "every value present" means in that language.
const PY_CHECK = `
for _n in online.features:
    assert all(s == "PRESENT" for s in online.statuses[_n]), (_n, online.statuses[_n])
_feats = [c for c in training.columns if c not in entity_df.columns]
assert len(training) > 0 and _feats, training
assert not training[_feats].isna().any().any(), training
print("SNIPPET-OK")
`;

/** Every snippet on the page, as its copy button copies it (checked against what the block shows). */
async function snippetsOn(page: Page): Promise<Map<string, string>> {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const panel = page.getByTestId("snippets").first();
  // The panel waits on the page's data and then on example-entities (DuckDB): slow on a busy host.
  await expect(panel).toBeVisible({ timeout: 30_000 });
  const sections = panel.locator("section[data-testid^='snippet-']");
  await expect(sections.first()).toBeVisible();
  await hydrated(sections.first().getByRole("button", { name: /^Copy/ }));
  const out = new Map<string, string>();
  for (const s of await sections.all()) {
    const id = (await s.getAttribute("data-testid"))!.replace(/^snippet-/, "");
    await s.getByRole("button", { name: /^Copy/ }).click();
    await expect(s.getByRole("button", { name: "Copied" })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await s.locator("pre code").textContent());
    out.set(id, copied);
  }
  return out;
}

async function runAll(snippets: Map<string, string>, token: string, keyColumns: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "larder-snippets-"));
  // TypeScript imports "larder/client": the file must sit inside the package to resolve it.
  const tsDir = path.join(ROOT, "test-results", "snippets");
  await mkdir(tsDir, { recursive: true });
  const env = { LARDER_TOKEN: token };
  try {
    expect([...snippets.keys()]).toEqual(["python", "typescript", "curl-online", "curl-training", "cli"]);

    const py = path.join(dir, "snippet.py");
    await writeFile(py, `${snippets.get("python")}\n${PY_CHECK}`);
    const p = await run("/usr/bin/python3", [py], { cwd: dir, env: { ...process.env, ...env, PYTHONPATH: path.join(ROOT, "clients/python/src") }, timeout: 60_000 });
    expect(p.stdout).toContain("SNIPPET-OK");

    const ts = path.join(tsDir, `snippet-${Date.now()}.mts`);
    await writeFile(
      ts,
      `${snippets.get("typescript")}\n` +
        `const feats = online.results.slice(${keyColumns});\n` +
        `if (!feats.length || feats.some((c) => c.statuses.some((s) => s !== "PRESENT"))) throw new Error("online: " + JSON.stringify(online));\n` +
        `if (!("rows" in training) || !training.rows.length || training.rows.some((r) => Object.values(r).some((v) => v === null))) throw new Error("training: " + JSON.stringify(training));\n` +
        `console.info("SNIPPET-OK");\n`,
    );
    try {
      const t = await run(process.execPath, ["--import", "tsx", ts], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
      expect(t.stdout).toContain("SNIPPET-OK");
    } finally {
      await rm(ts, { force: true });
    }

    expectOnlineValues((await sh(snippets.get("curl-online")!, env, dir)).stdout, keyColumns);
    const training = JSON.parse((await sh(snippets.get("curl-training")!, env, dir)).stdout) as { columns: string[]; rows: Record<string, unknown>[] };
    expect(training.rows.length).toBeGreaterThan(0);
    for (const r of training.rows) expect(Object.values(r).every((v) => v !== null), JSON.stringify(r)).toBe(true);

    const cli = snippets.get("cli")!;
    expect(cli).toMatch(/^larder get-online /m);
    const c = await sh(cli.replace(/^larder /gm, `${CLI} `), env, dir);
    // get-online prints a table (∅ = null), get-historical the JSON rows.
    expect(c.stdout).not.toContain("∅");
    const json = JSON.parse(c.stdout.slice(c.stdout.indexOf('{"columns"'))) as { rows: Record<string, unknown>[] };
    expect(json.rows.length).toBeGreaterThan(0);
    for (const r of json.rows) expect(Object.values(r).every((v) => v !== null), JSON.stringify(r)).toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test.describe("snippets run as pasted", () => {
  test.describe.configure({ timeout: 180_000 });

  const pages: [string, string][] = [
    ["feature view", "/projects/retail/feature-views/customer_profile?tab=snippets"],
    ["feature", "/projects/retail/feature-views/customer_profile/features/segment"],
    ["feature service", "/projects/retail/feature-services/customer_basics"],
    ["model", "/projects/retail/models/upsell_model"],
  ];
  for (const [kind, url] of pages) {
    test(`${kind} page`, async ({ page, seed }) => {
      await signIn(page, "consumer");
      await page.goto(url);
      const snippets = await snippetsOn(page);
      if (kind === "feature service") await shot(page, "snippets-service");
      await runAll(snippets, seed.consumerToken, 1);
    });
  }
});

test("a service with a never-materialized view says so and offers no training snippet", async ({ page }) => {
  await signIn(page, "consumer");
  await page.goto("/projects/retail/feature-services/churn_v1");
  await expect(page.getByTestId("snippets-note")).toContainText("customer_spend has no offline data yet", { timeout: 30_000 });
  await expect(page.getByTestId("snippet-curl-online")).toBeVisible();
  await expect(page.getByTestId("snippet-curl-training")).toHaveCount(0);
  await expect(page.getByTestId("snippet-python")).not.toContainText("get_historical_features");
});

test("a viewer, who may not read values, gets no keys", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/feature-views/customer_profile?tab=snippets");
  await expect(page.getByTestId("snippets-note")).toContainText("your role cannot read feature values", { timeout: 30_000 });
  await expect(page.locator("section[data-testid^='snippet-']")).toHaveCount(0);
});
