import { expect, shot, signIn, test } from "./support/fixtures";

test("lineage: from a model to its source", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/lineage");
  const canvas = page.getByTestId("lineage-canvas");
  const model = canvas.locator('[data-testid="lineage-node-model"][data-name="churn_model"]');
  await expect(model).toBeVisible();
  await shot(page, "lineage");

  await model.click();
  await page.getByRole("dialog", { name: /churn_model/ }).getByRole("button", { name: "Focus" }).click();
  await expect(page).toHaveURL(/focus=model%3Achurn_model|focus=model:churn_model/);
  const source = canvas.locator('[data-testid="lineage-node-source"][data-name="transactions"]');
  await expect(source).toBeVisible();
  await shot(page, "lineage-focus");

  await source.click();
  await page.getByRole("dialog", { name: /transactions/ }).getByRole("button", { name: "Open" }).click();
  await expect(page).toHaveURL(/\/sources\/transactions/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("transactions");
  await expect(page.getByRole("link", { name: "customer_spend" })).toBeVisible();
});

test("lineage: double-click opens a node; the selection and its path are highlighted; Show features re-fits; nodes show health", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/lineage");
  const canvas = page.getByTestId("lineage-canvas");
  const node = (kind: string, name: string) => canvas.locator(`[data-testid="lineage-node-${kind}"][data-name="${name}"]`);
  const spend = node("view", "customer_spend v2");
  await expect(spend).toBeVisible();

  // Health on the latest view versions, the same state search reports for the view (the seeded
  // failed job makes customer_profile failing, or stale once the jobs spec has retried it).
  const hits = (await (await page.request.get("/api/v1/search", { params: { q: "customer_profile", kind: "feature_view" } })).json()) as { items: { name: string; state?: string }[] };
  const state = hits.items.find((h) => h.name === "customer_profile")?.state;
  expect(["stale", "failing"]).toContain(state);
  await expect(node("view", "customer_profile v1")).toHaveAttribute("data-state", state!);
  await expect(node("view", "customer_profile v1").getByText(state!)).toBeVisible();

  // Selecting a node highlights it and everything up- and downstream of it; the rest fades.
  await node("model", "churn_model").click();
  await expect(node("model", "churn_model")).toHaveAttribute("data-highlight", "selected");
  await expect(node("source", "transactions")).toHaveAttribute("data-highlight", "path");
  await expect(node("view", "customer_spend v1")).toHaveAttribute("data-highlight", "off");
  await expect(canvas.locator(".react-flow__edge.lineage-path").first()).toBeAttached();
  await shot(page, "lineage-path");
  await page.getByRole("dialog", { name: /churn_model/ }).getByRole("button", { name: "Close" }).click();
  await expect(node("source", "transactions")).not.toHaveAttribute("data-highlight", "path");

  // "Show features" unfolds the view and fits the graph again: every feature node is on screen.
  await spend.click();
  await page.getByRole("dialog", { name: /customer_spend v2/ }).getByRole("button", { name: "Show features" }).click();
  await expect(page).toHaveURL(/expand=customer_spend/);
  const features = canvas.locator('[data-testid="lineage-node-feature"]');
  await expect(features.first()).toBeVisible();
  const box = (await canvas.boundingBox())!;
  await expect(async () => {
    for (const f of await features.all()) {
      const b = (await f.boundingBox())!;
      expect(b.x >= box.x - 1 && b.y >= box.y - 1 && b.x + b.width <= box.x + box.width + 1 && b.y + b.height <= box.y + box.height + 1, "feature node inside the canvas").toBe(true);
    }
  }).toPass({ timeout: 5_000 });
  await shot(page, "lineage-features");

  // Double-click opens the node's page.
  await node("view", "customer_profile v1").dblclick();
  await expect(page).toHaveURL(/\/feature-views\/customer_profile/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("customer_profile");
});
