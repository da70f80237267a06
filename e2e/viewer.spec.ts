import { expect, shot, signIn, test } from "./support/fixtures";

test("a viewer sees no apply, run or admin controls, and the server refuses direct requests", async ({ page, seed }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/feature-views/customer_spend?tab=materialization");
  await expect(page.getByRole("heading", { name: "Materialization", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: /materialize now/i })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /edit metadata/i })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /backfill/i })).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Access" })).toHaveCount(0);
  await shot(page, "viewer-feature-view");

  await page.goto(`/projects/retail/jobs/${seed.failedJobId}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);

  await page.goto("/projects/retail/access");
  await expect(page.getByText("Only project admins manage access")).toBeVisible();
  await expect(page.getByRole("button", { name: /create token/i })).toHaveCount(0);

  const now = Date.now();
  const run = await page.request.post("/api/v1/projects/retail/materialize", {
    data: { featureViews: ["customer_profile"], start: new Date(now - 86400_000).toISOString(), end: new Date(now).toISOString() },
  });
  expect(run.status()).toBe(403);
  expect((await run.json()).title).toBe("Forbidden");
  const edit = await page.request.patch("/api/v1/projects/retail/feature-views/customer_spend", { data: { description: "hacked" } });
  expect(edit.status()).toBe(403);
  const token = await page.request.post("/api/v1/projects/retail/tokens", { data: { name: "nope", role: "admin" } });
  expect(token.status()).toBe(403);
  const apply = await page.request.post("/api/v1/projects/retail/apply", { data: { repo: { project: "retail" } } });
  expect([400, 403]).toContain(apply.status());
});
