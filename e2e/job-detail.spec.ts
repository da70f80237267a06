import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test("a backfill's partitions are summarised and paged, under its log, each with its own readable name", async ({ page, seed }) => {
  await signIn(page, "viewer");
  await page.goto(`/projects/retail/jobs/${seed.backfillJobId}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("backfill");
  const summary = page.getByTestId("child-summary");
  await expect(summary).toContainText("34 succeeded");
  await expect(summary).toContainText("3 failed");
  await expect(summary).toContainText("3 cancelled");
  // Who started it: the token's name, not its id.
  await expect(page.locator("dt", { hasText: /^Triggered by$/ }).locator("+ dd")).toContainText("token “nightly-ci”");

  const partitions = page.getByRole("table", { name: "Partitions" });
  const refs = partitions.getByTestId("job-ref");
  await expect(refs).toHaveCount(25);
  const names = await refs.allTextContents();
  expect(new Set(names).size, `partition names repeat: ${names.join(", ")}`).toBe(25);
  expect(names[0]).toBe("2024-11-01");
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("1–25 of 40");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(refs).toHaveCount(15);
  await expect(refs.first()).toHaveText("2024-11-26");

  // A status in the summary filters the partitions.
  await summary.getByRole("button", { name: "3 failed" }).click();
  await expect(refs).toHaveCount(3);
  await expect(partitions.locator("tr[data-status=failed]")).toHaveCount(3);

  // The log comes before the partitions.
  const log = (await page.getByRole("heading", { name: "Log" }).boundingBox())!;
  const parts = (await page.getByRole("heading", { name: /^Partitions/ }).boundingBox())!;
  expect(log.y).toBeLessThan(parts.y);
  await shot(page, "job-backfill");
});

test("a cancelled job says cancelled, not failed, even after a failed attempt", async ({ page, seed }) => {
  await signIn(page, "viewer");
  await page.goto(`/projects/retail/jobs/${seed.cancelledJobId}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("cancelled");
  await expect(page.getByText(/^Failed/)).toHaveCount(0);
  await expect(page.getByTestId("job-outcome")).toContainText("Cancelled");
  await expect(page.getByTestId("job-outcome")).toContainText("An earlier attempt had failed");
});

test("cancel asks first and says what it stops", async ({ page, seed }) => {
  await signIn(page, "operator");
  await page.goto(`/projects/retail/jobs/${seed.queuedJobId}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("queued");
  const cancel = page.getByRole("button", { name: "Cancel" });
  await hydrated(cancel);
  await cancel.click();
  const dialog = page.getByRole("dialog", { name: "Cancel this job?" });
  await expect(dialog).toContainText("removed from the queue before it runs");
  await dialog.getByRole("button", { name: "Keep it running" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("queued");

  await cancel.click();
  const cancelled = page.waitForResponse((r) => r.url().endsWith(`/jobs/${seed.queuedJobId}/cancel`));
  await page.getByRole("dialog").getByRole("button", { name: "Cancel job" }).click();
  expect((await cancelled).status()).toBeLessThan(300);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("cancelled");
  await expect(page.getByTestId("job-outcome")).toContainText("Cancelled");
});

test("the jobs list filters by a view picked from the project's views", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/jobs");
  const picker = page.getByRole("combobox", { name: "Feature view" }).or(page.getByRole("button", { name: "Feature view" }));
  await hydrated(picker);
  await picker.click();
  await page.getByPlaceholder("Type a view name…").fill("profile");
  await page.getByRole("option", { name: "customer_profile" }).click();
  await expect(page).toHaveURL(/view=customer_profile/);
  const table = page.getByRole("table", { name: "Jobs" });
  await expect(table.getByRole("row")).not.toHaveCount(1);
  for (const cell of await table.locator("tbody tr td:nth-child(3)").allTextContents()) expect(cell).toContain("customer_profile");
  await shot(page, "jobs-filtered");
});
