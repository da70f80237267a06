// Shared helpers of the specs: the seed info, signing in as a role, and page screenshots.
import { readFileSync } from "node:fs";
import { expect, test as base, type Locator, type Page } from "@playwright/test";
import { PASSWORD, SEED_FILE, emailOf, type E2ERole, type SeedInfo } from "./env";

export const test = base.extend<{ seed: SeedInfo }>({
  seed: async ({}, use) => {
    await use(JSON.parse(readFileSync(SEED_FILE, "utf8")) as SeedInfo);
  },
});
export { expect };

/** Signs in through the API (the login spec covers the form); the cookie lands in the page's context. */
export async function signIn(page: Page, role: E2ERole): Promise<void> {
  const res = await page.request.post("/api/v1/auth/login", { data: { email: emailOf(role), password: PASSWORD } });
  expect(res.status(), await res.text()).toBe(200);
}

/** Saves a screenshot of the page as a test artifact: test-results/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  // From the top: a full-page capture after scrolling paints the sticky top bar mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/**
 * Waits until React has hydrated `el` (it then carries React's `__reactProps$…` key), so its
 * handlers and the effects of its component (e.g. a window keydown listener) are live. A
 * server-rendered element is visible, and clickable, before that: acting on it then does nothing.
 */
export async function hydrated(el: Locator): Promise<void> {
  await expect(el).toBeAttached();
  await expect
    .poll(() => el.evaluate((node) => Object.keys(node).some((k) => k.startsWith("__reactProps$"))), { message: "element hydrated by React" })
    .toBe(true);
}
