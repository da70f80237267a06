import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test("search with a typo finds the feature and opens it", async ({ page }) => {
  await signIn(page, "consumer");
  await page.goto("/projects");
  const box = page.getByRole("searchbox", { name: /search features/i });
  await box.fill("amount_sm_7d");
  const searched = page.waitForResponse((r) => r.url().includes("/api/v1/search") && r.status() === 200);
  await box.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=amount_sm_7d/);
  await searched;
  const hit = page.getByTestId("search-hit").filter({ hasText: "amount_sum_7d" }).first();
  await expect(hit).toBeVisible();
  await expect(page.getByRole("group", { name: /kind/i }).or(page.getByText("Kind", { exact: true })).first()).toBeVisible();
  await shot(page, "search");

  // Facet filter goes into the URL, so the search can be shared.
  await page.getByRole("button", { name: /^Feature\s+\d+$/ }).first().click();
  await expect(page).toHaveURL(/kind=feature/);
  await expect(hit).toBeVisible();

  await hit.click();
  await expect(page).toHaveURL(/\/feature-views\/customer_spend/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("customer_spend:amount_sum_7d");
  // An aggregate's statistics say what they describe and link the aggregated column's.
  await expect(page.getByTestId("aggregate-stats-note")).toBeVisible();
  await shot(page, "feature");
  await page.getByRole("link", { name: "amount", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("customer_spend:amount");
  await expect(page.getByTestId("feature-stats")).toBeVisible();
});

test("the command palette (Ctrl K) jumps to a feature view", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail");
  // The palette's trigger hydrated means its component's keydown listener is attached (a visible
  // server-rendered page can still be waiting for its JavaScript).
  await hydrated(page.getByRole("button", { name: "Open command palette" }));
  const input = page.getByPlaceholder(/search features, views/i);
  // Pressed again only if the palette did not open (the listener's effect runs just after hydration).
  await expect(async () => {
    if (!(await input.isVisible())) await page.keyboard.press("Control+k");
    await expect(input).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await input.fill("custmer_profle");
  const option = page.getByRole("option", { name: /customer_profile/ }).first();
  await expect(option).toBeVisible();
  await shot(page, "command-palette");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/customer_profile/);
});

test("the features catalog pages, sorts and filters on the server", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/features");
  const table = page.getByRole("table", { name: "Features" });
  await expect(table.getByRole("link", { name: "amount_sum_7d" })).toBeVisible();
  const filtered = page.waitForResponse((r) => r.url().includes("/features?") && r.url().includes("q=segm"));
  await page.getByLabel("Filter features").fill("segm");
  await filtered;
  await expect(table.getByRole("link", { name: "segment" })).toBeVisible();
  await expect(table.getByRole("link", { name: "amount_sum_7d" })).toHaveCount(0);
  await page.getByLabel("Filter features").fill("");
  await page.getByRole("button", { name: "Feature" }).click();
  await expect(page).toHaveURL(/dir=desc/);
  await shot(page, "features");
});
