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
