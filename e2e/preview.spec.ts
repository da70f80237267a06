import { expect, shot, signIn, test } from "./support/fixtures";

test("a consumer previews a view's stored rows, one entity online beside offline, and a source's first rows", async ({ page }) => {
  await signIn(page, "consumer");
  await page.goto("/projects/retail/feature-views/customer_profile?tab=preview");
  const rows = page.getByRole("table", { name: "Offline rows" });
  await expect(rows.getByRole("columnheader", { name: "segment" })).toBeVisible();
  await expect(rows.locator("tbody tr").first()).toBeVisible();
  const firstId = (await rows.locator("tbody tr").first().locator("td").first().textContent())!.trim();
  expect(firstId).toMatch(/^\d+$/);
  await shot(page, "preview-rows");

  // One entity: only its rows, and its online value beside the offline one at the same instant.
  await page.getByLabel("customer_id").fill(firstId);
  await page.getByRole("button", { name: "Show" }).click();
  const cmp = page.getByRole("table", { name: "Online beside offline" });
  await expect(cmp.getByRole("row", { name: /segment/ })).toBeVisible();
  await expect(cmp.getByRole("row", { name: /segment/ })).toContainText("yes");
  for (const id of await rows.locator("tbody tr td:first-child").allTextContents()) expect(id.trim()).toBe(firstId);
  await shot(page, "preview-entity");

  await page.goto("/projects/retail/sources/customer_profiles");
  const src = page.getByRole("table", { name: "Source preview" });
  await expect(src.getByRole("columnheader", { name: /customer_id/ })).toBeVisible();
  await expect(src.locator("tbody tr")).toHaveCount(20);
});

test("a viewer gets no preview: values are for consumers", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/feature-views/customer_profile");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("customer_profile");
  await expect(page.getByRole("tab", { name: "Preview" })).toHaveCount(0);
  const res = await page.request.get("/api/v1/projects/retail/feature-views/customer_profile/versions/1/preview");
  expect(res.status()).toBe(403);
});
