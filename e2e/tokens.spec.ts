import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test("an admin creates a token (shown once), uses it, and revokes it", async ({ page, playwright }) => {
  await signIn(page, "admin");
  await page.goto("/projects/retail/access");
  await expect(page.getByRole("table", { name: "Members" })).toContainText("viewer@e2e.test");
  await page.getByRole("button", { name: /create token/i }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("e2e-scoring");
  await dialog.getByLabel("Role").selectOption("consumer");
  await dialog.getByRole("button", { name: /create token/i }).click();
  const secret = dialog.getByTestId("new-token");
  await expect(secret).toContainText("ldr_");
  const token = (await secret.textContent())!.trim();
  await shot(page, "token-created");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("new-token")).toHaveCount(0);

  // The token works for programs...
  const api = await playwright.request.newContext({ baseURL: page.url().replace(/\/projects.*$/, ""), extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await api.get("/api/v1/projects/retail/feature-views")).status()).toBe(200);

  const row = page.locator("tr[data-token='e2e-scoring']");
  await expect(row).toContainText("active");
  page.once("dialog", (d) => void d.accept());
  const revoked = page.waitForResponse((r) => r.request().method() === "DELETE" && r.url().includes("/tokens/"));
  await row.getByRole("button", { name: "Revoke" }).click();
  expect((await revoked).status()).toBe(204);
  await expect(row).toContainText("revoked");
  await shot(page, "access");

  // ...until it is revoked.
  expect((await api.get("/api/v1/projects/retail/feature-views")).status()).toBe(401);
  await api.dispose();
});

test("alerts: a viewer subscribes to a view", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail/alerts");
  await hydrated(page.getByLabel("Scope"));
  await page.getByLabel("Scope").selectOption("customer_spend");
  const created = page.waitForResponse((r) => r.url().includes("/alert-subscriptions") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Subscribe" }).click();
  expect((await created).status()).toBe(201);
  await expect(page.getByRole("table", { name: "Alert subscriptions" })).toContainText("customer_spend");
  await shot(page, "alerts");
});
