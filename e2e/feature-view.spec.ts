import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test("a feature view shows its definition, a diff between versions and statistics", async ({ page }) => {
  await signIn(page, "consumer");
  await page.goto("/projects/retail/feature-views/customer_spend");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("customer_spend");
  const schema = page.getByRole("table", { name: "Schema" });
  await expect(schema.getByRole("row", { name: /amount_sum_7d/ })).toContainText("float64");
  await expect(schema.getByRole("row", { name: /customer_id/ })).toContainText("join key");
  await shot(page, "feature-view");

  await page.getByRole("tab", { name: "Definition" }).click();
  const sql = page.locator("pre").filter({ hasText: "FROM" }).first();
  await expect(sql).toContainText("SELECT");
  await expect(sql.locator(".text-tok-keyword").first()).toBeVisible();
  await shot(page, "feature-view-definition");

  await page.getByRole("tab", { name: /Versions/ }).click();
  await expect(page.getByTestId("diff-summary")).toContainText("+");
  const diff = page.getByRole("region", { name: /Diff v1 to v2/ });
  await expect(diff).toContainText("45d");
  await expect(diff).toContainText("30d");
  await shot(page, "feature-view-versions");

  await page.getByRole("tab", { name: "Statistics" }).click();
  await expect(page.getByTestId("feature-stats")).toBeVisible();
  await expect(page.getByText(/Histogram/)).toBeVisible();
  await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await shot(page, "feature-view-stats");

  // customer_spend is never materialized in the seed: its snippets say so rather than invent keys.
  await page.getByRole("tab", { name: "Snippets" }).click();
  await expect(page.getByTestId("snippets-note")).toContainText("customer_spend has no offline data yet");
  await page.getByRole("tab", { name: "Used by" }).click();
  await expect(page.getByRole("link", { name: "churn_v1" })).toBeVisible();
  await expect(page.getByRole("link", { name: "churn_model" })).toBeVisible();
});

test("an editor edits the description in place without a new version", async ({ page }) => {
  await signIn(page, "editor");
  await page.goto("/projects/retail/feature-views/customer_profile");
  await hydrated(page.getByRole("button", { name: /edit metadata/i }));
  await page.getByRole("button", { name: /edit metadata/i }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Description").fill("Latest known profile of a customer (edited in e2e)");
  const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes("/feature-views/customer_profile"));
  await dialog.getByRole("button", { name: "Save" }).click();
  expect((await saved).status()).toBe(200);
  await expect(page.getByText("(edited in e2e)")).toBeVisible();
  await expect(page.getByRole("tab", { name: "Versions (1)" })).toBeVisible();
});

test("copy buttons never cover code", async ({ page }) => {
  await signIn(page, "consumer");
  const clear = async () => {
    const buttons = page.getByRole("button", { name: /^Copy/ });
    await expect(buttons.first()).toBeVisible();
    for (const button of await buttons.all()) {
      const b = (await button.boundingBox())!;
      // The code of the same block: the pre beside the button.
      const pre = button.locator("xpath=ancestor::div[.//pre][1]//pre");
      const p = (await pre.boundingBox())!;
      const overlaps = b.x < p.x + p.width && p.x < b.x + b.width && b.y < p.y + p.height && p.y < b.y + b.height;
      expect(overlaps, `copy button ${await button.getAttribute("aria-label")} overlaps its code`).toBe(false);
    }
  };
  await page.goto("/projects/retail/feature-views/customer_spend?tab=definition");
  await clear();
  await page.goto("/projects/retail/feature-views/customer_profile?tab=snippets");
  await clear();
  await shot(page, "feature-view-snippets");
  await page.goto("/projects/retail/sources/transactions");
  await clear();
});
