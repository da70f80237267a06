import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test.describe.configure({ timeout: 180_000 });

test("an operator materializes a view and watches the job succeed", async ({ page }) => {
  await signIn(page, "operator");
  await page.goto("/projects/retail/feature-views/customer_profile?tab=materialization");
  await hydrated(page.getByRole("button", { name: /materialize now/i }));
  await page.getByRole("button", { name: /materialize now/i }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Last 7 days" }).click();
  const started = page.waitForResponse((r) => r.url().endsWith("/materialize") && r.request().method() === "POST");
  await dialog.getByRole("button", { name: /start materialization/i }).click();
  expect((await started).status()).toBe(202);
  await expect(page).toHaveURL(/\/jobs\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("materialize");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("succeeded", { timeout: 150_000 });
  await expect(page.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", "100");
  await shot(page, "job");

  await page.goto("/projects/retail/jobs");
  await expect(page.getByRole("table", { name: "Jobs" }).locator("tr[data-status=succeeded]").first()).toBeVisible();
  await shot(page, "jobs");

  await page.goto("/projects/retail/feature-views/customer_profile?tab=materialization");
  await expect(page.getByTestId("interval-timeline").locator("div").first()).toBeVisible();
  await shot(page, "feature-view-materialization");
});

test("an operator retries a failed job", async ({ page, seed }) => {
  await signIn(page, "operator");
  await page.goto(`/projects/retail/jobs/${seed.failedJobId}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("failed");
  await expect(page.getByText("simulated failure").first()).toBeVisible();
  const retried = page.waitForResponse((r) => r.url().includes(`/jobs/${seed.failedJobId}/retry`));
  await page.getByRole("button", { name: "Retry" }).click();
  expect((await retried).status()).toBe(202);
  const notice = page.getByRole("status").filter({ hasText: "Retry started as" });
  await expect(notice).toBeVisible();
  await notice.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("succeeded", { timeout: 150_000 });
});
