import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test.describe.configure({ timeout: 180_000 });

test("a view never materialized says so, with its schedule, instead of an error", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/feature-views/customer_spend?tab=materialization");
  const story = page.getByTestId("materialization-story");
  await expect(story).toContainText("customer_spend has never been materialized");
  await expect(story).toContainText("0 * * * *");
  await expect(page.getByText(/Bad request|start must be before end/)).toHaveCount(0);
  await expect(page.getByTestId("interval-timeline")).toHaveCount(0);
  await shot(page, "materialization-never");
});

test("only real gaps count, and backfilling them asks first and says what it starts", async ({ page }) => {
  await signIn(page, "operator");
  await page.goto("/projects/retail/feature-views/customer_profile?tab=materialization");
  const story = page.getByTestId("materialization-story");
  // One hole between two materializations; the time since the last run is not a gap.
  await expect(story).toContainText("with 1 gap between runs");
  await expect(page.getByTestId("interval-gap")).toHaveCount(1);
  await expect(story).toContainText("0 3 * * *");
  await shot(page, "materialization-gap");

  const backfill = page.getByRole("button", { name: "Backfill 1 gap" });
  await hydrated(backfill);
  await backfill.click();
  const dialog = page.getByRole("dialog", { name: "Backfill 1 gap of customer_profile?" });
  await expect(dialog).toContainText("5 child jobs, one per UTC day");
  await dialog.getByRole("button", { name: "Not now" }).click();
  await expect(dialog).toHaveCount(0);

  await backfill.click();
  const started = page.waitForResponse((r) => r.url().endsWith("/backfill") && r.request().method() === "POST");
  await page.getByRole("dialog").getByRole("button", { name: "Start backfill (5 partitions)" }).click();
  expect((await started).status()).toBe(202);
  await expect(page).toHaveURL(/\/jobs\/[^/]+$/);
  await expect(page.getByTestId("child-summary")).toContainText("all 5");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("succeeded", { timeout: 150_000 });

  await page.goto("/projects/retail/feature-views/customer_profile?tab=materialization");
  await expect(story).toContainText("with no gaps");
  // The jobs that filled it include the backfill's day partitions.
  await expect(page.getByRole("table", { name: "Jobs" }).getByTestId("job-ref").filter({ hasText: /^\d{4}-\d{2}-\d{2}$/ }).first()).toBeVisible();
});
