import { PASSWORD, emailOf } from "./support/env";
import { expect, hydrated, shot, test } from "./support/fixtures";

test("signs in with the form, lands on the projects, signs out", async ({ page, seed }) => {
  await page.goto("/projects");
  await expect(page).toHaveURL(/\/login/);
  await shot(page, "login");
  await hydrated(page.getByRole("button", { name: /sign in/i }));
  await page.getByLabel("E-mail").fill(emailOf("admin"));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByRole("link", { name: new RegExp(seed.project) }).first()).toBeVisible();
  await shot(page, "projects");

  await page.getByRole("link", { name: new RegExp(seed.project) }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: seed.project })).toBeVisible();
  await expect(page.getByText("Recently changed feature views")).toBeVisible();
  await expect(page.getByRole("link", { name: "customer_spend" }).first()).toBeVisible();
  await shot(page, "project-overview");

  // Dark theme renders too.
  await page.getByRole("button", { name: /switch to dark theme/i }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await shot(page, "project-overview-dark");
  await page.getByRole("button", { name: /switch to light theme/i }).click();

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/login/);
});

test("a wrong password shows the API's message", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page.getByRole("button", { name: /sign in/i }));
  await page.getByLabel("E-mail").fill(emailOf("viewer"));
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /wrong/i })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});
