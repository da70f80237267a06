import { PASSWORD, emailOf } from "./support/env";
import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

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

test("a signed-in user is never redirected off-site by ?next= (tab, newline, backslash, scheme)", async ({ page }) => {
  const res = await page.request.post("/api/v1/auth/login", { data: { email: emailOf("viewer"), password: PASSWORD } });
  expect(res.status()).toBe(200);
  for (const next of ["%2F%09%2Fevil.example%2F", "%2F%0A%2Fevil.example", "%2F%0D%0A%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "javascript%3Aalert(1)"]) {
    const direct = await page.request.get(`/login?next=${next}`, { maxRedirects: 0 });
    expect(direct.status(), next).toBeLessThan(500);
    const location = direct.headers()["location"] ?? "";
    expect(new URL(location || "/", "http://127.0.0.1").host, `${next} → ${location}`).toBe("127.0.0.1");
    await page.goto(`/login?next=${next}`);
    expect(new URL(page.url()).hostname, next).toBe("127.0.0.1");
  }
});

test("a deep link survives the sign-in", async ({ page }) => {
  await page.goto("/projects/retail/feature-views/customer_profile?tab=definition");
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page.getByRole("button", { name: /sign in/i }));
  await page.getByLabel("E-mail").fill(emailOf("viewer"));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).toHaveURL(/\/projects\/retail\/feature-views\/customer_profile\?tab=definition$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("customer_profile");
});

test("a session that ends while a page is open sends the next read back to the sign-in with the page as next", async ({ page, seed }) => {
  await signIn(page, "admin");
  await page.goto(`/projects/${seed.project}`);
  await expect(page.getByRole("heading", { level: 1, name: seed.project })).toBeVisible();
  const box = page.getByRole("combobox", { name: /Search features, views/ }).or(page.getByLabel(/Search features, views/)).first();
  await hydrated(box);
  // Signed out elsewhere (another tab): the cookie this page holds no longer signs in.
  expect((await page.request.post("/api/v1/auth/logout")).ok()).toBe(true);
  // The next read (a live search here, unless one of the page's own polls got there first and the
  // page is already on its way to the sign-in) is answered 401.
  await box.fill("spend", { timeout: 5_000 }).catch(() => undefined);
  await expect(page).toHaveURL(new RegExp(`/login\\?next=${encodeURIComponent(`/projects/${seed.project}`)}`));
});
