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

test("the header box shows highlighted hits as you type and opens the one picked with the keyboard", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail");
  const box = page.getByRole("searchbox", { name: /search features/i });
  await hydrated(box);
  await box.pressSequentially("amount sum", { delay: 30 });
  const list = page.getByRole("listbox", { name: "Search results" });
  const option = list.getByRole("option", { name: /customer_spend:amount_sum_7d/ });
  await expect(option).toBeVisible();
  // The query's words are marked in the hit.
  await expect(option.locator("mark").first()).toHaveText("amount");
  await expect(list.getByRole("option", { name: /See all \d+ results? for “amount sum”/ })).toBeVisible();
  await shot(page, "header-search");
  // Arrow down to the hit, Enter opens it (not the search page).
  await expect(async () => {
    await box.press("ArrowDown");
    await expect(list.getByRole("option", { selected: true })).toHaveCount(1, { timeout: 1_000 });
  }).toPass();
  const name = (await list.getByRole("option", { selected: true }).getByTestId("header-search-hit").textContent())!;
  await box.press("Enter");
  await expect(page).toHaveURL(/\/projects\/retail\//);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
});

test("the header box and the search page stay in sync", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/search?q=spend");
  const header = page.getByRole("searchbox", { name: /search features/i });
  const pageBox = page.getByLabel("Search query");
  await expect(header).toHaveValue("spend");
  await hydrated(pageBox);
  await pageBox.fill("churn");
  await expect(page).toHaveURL(/q=churn/);
  await expect(header).toHaveValue("churn");
  await header.fill("segment");
  await expect(page).toHaveURL(/q=segment/);
  await expect(pageBox).toHaveValue("segment");
  await expect(page.getByTestId("search-hit").filter({ hasText: "segment" }).first()).toBeVisible();
  // On the search page the header does not open a second result list over the page.
  await expect(page.getByRole("listbox", { name: "Search results" })).toHaveCount(0);
});

test("search results page through every match; long facets list every value and filter", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/search?q=30d");
  const status = page.getByRole("status").filter({ hasText: /results?/ });
  await expect(status).toContainText(/\d+ results/);
  const total = Number((await status.textContent())!.match(/([\d,]+) results/)![1].replace(/,/g, ""));
  expect(total).toBeGreaterThan(50);
  const hits = page.getByTestId("search-hit");
  await expect(hits).toHaveCount(50);
  const firstPage = await hits.allTextContents();
  const pager = page.getByRole("navigation", { name: "Pages" });
  await expect(pager).toContainText(`of ${total}`);
  await pager.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(hits).toHaveCount(Math.min(50, total - 50));
  const secondPage = await hits.allTextContents();
  expect(secondPage.some((t) => firstPage.includes(t))).toBe(false);
  await shot(page, "search-page-2");

  // The owner facet lists every owner with its count (more than the 8 shown at first), and filters.
  const owners = page.getByRole("group", { name: /owner/i });
  const showAll = owners.getByRole("button", { name: /Show all \d+ owners/ });
  await expect(showAll).toBeVisible();
  const count = Number((await showAll.textContent())!.match(/\d+/)![0]);
  await showAll.click();
  await expect(owners.getByRole("list").getByRole("button")).toHaveCount(count);
  const filter = owners.getByRole("searchbox", { name: "Filter owners" });
  await filter.fill("search-rel");
  await expect(owners.getByRole("list").getByRole("button")).toHaveCount(1);
  await owners.getByRole("button", { name: /search-relevance@acme\.example \d+/ }).click();
  await expect(page).toHaveURL(/owner=search-relevance%40acme\.example/);
  // A new filter starts again at the first page.
  await expect(page).not.toHaveURL(/page=2/);
  await expect(hits.first()).toBeVisible();
  await shot(page, "search-facets");
});
