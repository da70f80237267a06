import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test("the overview leads with health, each item linking to its evidence", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail");
  const panel = page.getByTestId("health-panel");
  await expect(panel).toBeVisible();
  await expect(panel.getByRole("heading", { name: "Health" })).toBeVisible();
  const drifting = page.getByTestId("health-driftingFeatures");
  await expect(drifting).toContainText("customer_spend:amount");
  await expect(drifting).toContainText("PSI 0.310 > 0.2");
  await expect(page.getByTestId("health-failingRules")).toContainText("not_null on amount (fail)");
  await expect(panel).toContainText("Failing");
  await shot(page, "overview-health");

  const link = drifting.getByRole("link", { name: "customer_spend:amount" });
  await hydrated(link);
  await link.click();
  await expect(page).toHaveURL(/\/feature-views\/customer_spend\/features\/amount/);
  await expect(page.getByTestId("drift-chart")).toBeVisible();
  await expect(page.getByTestId("drift-chart")).toContainText("threshold 0.2");
  await expect(page.getByTestId("drift-chart").locator(".recharts-line-curve")).toBeVisible();
});

test("the feature page shows percentiles, a histogram, top values and drift over time", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/feature-views/customer_spend/features/amount");
  const stats = page.getByTestId("feature-stats");
  await expect(stats).toBeVisible();
  await expect(page.getByTestId("stat-p50")).toContainText("250");
  await expect(page.getByTestId("stat-p99")).toContainText("980.1");
  await expect(stats.getByText(/Histogram/)).toBeVisible();
  await expect(stats.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("drift-chart")).toBeVisible();
  await shot(page, "feature-stats-drift");

  await page.goto("/projects/retail/feature-views/customer_spend/features/is_large");
  await expect(page.getByText(/Top values/)).toBeVisible();
  await expect(page.getByTestId("feature-stats").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("stat-Distinct")).toContainText("900");
  await shot(page, "feature-top-values");
});

test("the view page lists data-quality results", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/feature-views/customer_spend");
  const tab = page.getByRole("tab", { name: "Data quality" });
  await hydrated(tab);
  await tab.click();
  const q = page.getByTestId("quality-results");
  await expect(q).toContainText("1 of 2 checks pass");
  await expect(q.getByRole("row", { name: /not_null/ })).toContainText("fail");
});

test("an admin adds an alert target (any e-mail address) and sees the delivery log", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/projects/retail/alerts");
  const panel = page.getByTestId("alert-targets");
  await expect(panel).toBeVisible();
  await expect(panel.getByText("Nothing delivered yet.").or(panel.getByRole("table", { name: "Alert deliveries" }))).toBeVisible();
  const address = page.getByLabel("E-mail address");
  await hydrated(address);
  await address.fill("oncall@example.org");
  await page.getByLabel("drift").check();
  await page.getByRole("button", { name: "Add target" }).click();
  const row = page.getByRole("table", { name: "Alert targets" }).getByRole("row", { name: /oncall@example\.org/ });
  await expect(row).toContainText("whole project");
  await expect(row).toContainText("drift");
  await shot(page, "alert-targets");
});
