import { expect, shot, signIn, test } from "./support/fixtures";

// An unknown object is a styled Larder 404 that says what does not exist and links to what does;
// a 404 offers no "Try again" (retrying cannot make it exist).
test.describe("not found", () => {
  test.beforeEach(async ({ page }) => signIn(page, "viewer"));

  test("an unknown project", async ({ page }) => {
    await page.goto("/projects/no_such_project");
    const panel = page.getByTestId("not-found");
    await expect(panel).toContainText("Project “no_such_project” does not exist");
    await expect(panel.getByRole("link", { name: "retail" })).toBeVisible();
    await expect(panel.getByRole("link", { name: "All projects" })).toHaveAttribute("href", "/projects");
    await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
    await shot(page, "not-found-project");
  });

  test("an unknown feature view", async ({ page }) => {
    await page.goto("/projects/retail/feature-views/no_such_view");
    const panel = page.getByTestId("not-found");
    await expect(panel).toContainText("Feature view “no_such_view” does not exist in project retail");
    await expect(panel.getByRole("link", { name: "All feature views" })).toHaveAttribute("href", "/projects/retail/feature-views");
    await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
    // The side navigation stays: the project exists.
    await expect(page.getByRole("navigation", { name: "Project" })).toBeVisible();
    await shot(page, "not-found-view");
  });

  test("an unknown version of a view does not silently show the latest", async ({ page }) => {
    await page.goto("/projects/retail/feature-views/customer_spend?version=99");
    const panel = page.getByTestId("not-found");
    await expect(panel).toContainText("Feature view customer_spend has no version 99");
    await expect(panel.getByRole("link", { name: "Latest version (v2)" })).toHaveAttribute("href", "/projects/retail/feature-views/customer_spend");
    await expect(page.getByRole("table", { name: "Schema" })).toHaveCount(0);
  });

  test("an unknown job", async ({ page }) => {
    await page.goto("/projects/retail/jobs/no_such_job");
    const panel = page.getByTestId("not-found");
    await expect(panel).toContainText("Job “no_such_job” does not exist in project retail");
    await expect(panel.getByRole("link", { name: "All jobs" })).toHaveAttribute("href", "/projects/retail/jobs");
    await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
  });

  test("an unknown feature, entity and page", async ({ page }) => {
    await page.goto("/projects/retail/feature-views/customer_spend/features/no_such_feature");
    await expect(page.getByTestId("not-found")).toContainText("Feature “no_such_feature” does not exist in feature view customer_spend");
    await expect(page.getByTestId("not-found").getByRole("link", { name: "customer_spend" })).toBeVisible();
    await page.goto("/projects/retail/entities/nobody");
    await expect(page.getByTestId("not-found")).toContainText("Entity “nobody” does not exist in project retail");
    await page.goto("/projects/retail/no-such-page");
    await expect(page.getByTestId("not-found")).toContainText("There is no page at /projects/retail/no-such-page");
  });
});

test("an old version shows that version's definition under a banner linking the latest", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/feature-views/customer_spend?version=1");
  // v1's ttl was 30d; v2 (latest) has 45d.
  const ttl = page.locator("dt", { hasText: /^TTL$/ }).locator("+ dd");
  await expect(ttl).toHaveText("30d");
  const banner = page.getByTestId("old-version-banner");
  await expect(banner).toContainText("v1 of 2 — latest is v2");
  await shot(page, "feature-view-old-version");
  await banner.getByRole("link", { name: "Show v2" }).click();
  await expect(page).not.toHaveURL(/version=/);
  await expect(page.getByTestId("old-version-banner")).toHaveCount(0);
  await expect(ttl).toHaveText("45d");
  await shot(page, "feature-view-latest");
});
