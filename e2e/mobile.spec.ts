// Phone and keyboard (issue 17; docs/console.md): the main pages at 390 × 844. Every page has its
// navigation (the drawer), nothing scrolls sideways, and every tab stop is visible with its focus
// ring inside whatever clips it. One spec with its own viewport, not the whole suite twice.
import type { Page } from "@playwright/test";
import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const PAGES = (seed: { failedJobId: string; backfillJobId: string }) =>
  [
    ["projects", "/projects"],
    ["overview", "/projects/retail"],
    ["features", "/projects/retail/features"],
    ["feature-views", "/projects/retail/feature-views"],
    ["feature-view", "/projects/retail/feature-views/customer_spend"],
    ["feature-view-materialization", "/projects/retail/feature-views/customer_spend?tab=materialization"],
    ["feature", "/projects/retail/feature-views/customer_profile/features/segment"],
    ["search", "/search?q=spend"],
    ["jobs", "/projects/retail/jobs"],
    ["job-failed", `/projects/retail/jobs/${seed.failedJobId}`],
    ["job-backfill", `/projects/retail/jobs/${seed.backfillJobId}`],
    ["lineage", "/projects/retail/lineage"],
    ["access", "/projects/retail/access"],
    ["sources", "/projects/retail/sources"],
    ["entities", "/projects/retail/entities"],
  ] as const;

/** Widest thing on the page that sticks out of the viewport, named so a failure says what to fix. */
async function sideways(page: Page): Promise<{ scrollWidth: number; culprit: string | null }> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    let culprit: string | null = null;
    let widest = vw;
    const clipped = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== "visible") return getComputedStyle(el).position !== "absolute";
      return false;
    };
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
      if (r.right > widest + 0.5 && clipped(el)) continue;
      if (r.right > widest + 0.5) {
        widest = r.right;
        culprit = `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 80)} (${Math.round(r.right)} px) "${(el.textContent ?? "").slice(0, 40)}"`;
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, culprit };
  });
}

test("at 390 px every main page has navigation and nothing scrolls sideways", async ({ page, seed }) => {
  test.setTimeout(180_000);
  await signIn(page, "admin");
  for (const [name, url] of PAGES(seed)) {
    await page.goto(url);
    await expect(page.locator("main h1").first(), name).toBeVisible();
    // Let the client-side queries land: a table that arrives late is what overflows.
    await page.waitForLoadState("networkidle");
    const menu = page.getByRole("button", { name: "Open navigation" });
    await expect(menu, `${name}: the drawer button`).toBeVisible();
    const { scrollWidth, culprit } = await sideways(page);
    expect.soft(scrollWidth, `${name} scrolls sideways; widest: ${culprit}`).toBeLessThanOrEqual(390);
    await shot(page, `mobile-${name}`);
  }
});

test("the drawer lists the project's pages and takes you there", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/projects/retail");
  // The side nav is hidden at this width; the drawer is the navigation.
  await expect(page.locator("main h1").first()).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Project" })).toBeHidden();
  const menu = page.getByRole("button", { name: "Open navigation" });
  await hydrated(menu);
  await menu.click();
  const drawer = page.getByRole("dialog", { name: "Navigation" });
  await expect(drawer).toBeVisible();
  // A viewer's drawer has no Access, as the side nav has none.
  await expect(drawer.getByRole("link", { name: "Access" })).toHaveCount(0);
  await shot(page, "mobile-drawer");
  await drawer.getByRole("link", { name: "Feature views" }).click();
  await expect(page).toHaveURL(/\/projects\/retail\/feature-views$/);
  await expect(drawer).toBeHidden();
  await expect(page.getByRole("table", { name: "Feature views" })).toBeVisible();

  // Outside a project the drawer still leads somewhere: all projects and search.
  await page.goto("/search?q=spend");
  await hydrated(menu);
  await menu.click();
  await expect(drawer.getByRole("link", { name: "All projects" })).toBeVisible();
  await expect(drawer.getByRole("navigation", { name: "Project" })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
});

/**
 * Tabs through the page: every stop must be visible with a size (no invisible stops) and its focus
 * ring (its outline's width + offset: app/globals.css) inside every ancestor that clips overflow.
 */
async function tabWalk(page: Page, stops: number): Promise<string[]> {
  const problems: string[] = [];
  await page.locator("body").focus();
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press("Tab");
    const p = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const name = `${el.tagName.toLowerCase()} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 40)}"`;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return `${name}: invisible tab stop`;
      const st = getComputedStyle(el);
      const ring = Math.max(0, parseFloat(st.outlineWidth) + parseFloat(st.outlineOffset));
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX === "visible" && s.overflowY === "visible") continue;
        const b = a.getBoundingClientRect();
        // A scroller may scroll its child into view; only what stays cut off counts.
        const clipsX = s.overflowX !== "visible" && (r.left - ring < b.left - 0.5 || r.right + ring > b.right + 0.5);
        const clipsY = s.overflowY !== "visible" && (r.top - ring < b.top - 0.5 || r.bottom + ring > b.bottom + 0.5);
        if (clipsX || clipsY) return `${name}: focus ring clipped by ${a.tagName.toLowerCase()}.${String(a.className).slice(0, 60)} (${clipsX ? "x" : "y"}: ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} in ${Math.round(b.left)},${Math.round(b.top)}–${Math.round(b.right)},${Math.round(b.bottom)})`;
      }
      return null;
    });
    if (p) problems.push(p);
  }
  return [...new Set(problems)];
}

test("keyboard: every tab stop is visible and its focus ring is not clipped", async ({ page, seed }) => {
  test.setTimeout(120_000);
  await signIn(page, "admin");
  for (const url of ["/projects/retail/features", "/projects/retail/feature-views/customer_spend", `/projects/retail/jobs/${seed.backfillJobId}`]) {
    await page.goto(url);
    await expect(page.locator("main h1").first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect.soft(await tabWalk(page, 40), url).toEqual([]);
  }
});
