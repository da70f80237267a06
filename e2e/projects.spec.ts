import { expect, hydrated, shot, signIn, test } from "./support/fixtures";

test("the projects page filters, sorts, says when each project was last active, and counts in words", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/projects");
  const cards = page.getByTestId("project-card");
  await expect(cards).toHaveCount(5);
  // retail has one entity: no "1 entities".
  const retail = cards.filter({ hasText: "retail" });
  await expect(retail).toContainText("1 entity ·");
  await expect(retail).not.toContainText("1 entities");
  await expect(retail).toContainText(/Last activity .+ ago/);
  await shot(page, "projects");

  const filter = page.getByLabel("Filter projects by name or description");
  await hydrated(filter);
  await filter.fill("pay");
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("payments");
  await expect(page).toHaveURL(/q=pay/);
  await filter.fill("nothing-like-this");
  await expect(page.getByText("No project matches “nothing-like-this”")).toBeVisible();
  await filter.fill("");

  await page.getByLabel("Sort by").selectOption("name");
  await expect(page).toHaveURL(/sort=name/);
  await expect(cards).toHaveCount(5);
  const names = await cards.locator("h2").allTextContents();
  expect(names).toEqual([...names].sort());
});

test("the project switcher filters the projects", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/projects/retail");
  const trigger = page.getByRole("button", { name: "Switch project" });
  await hydrated(trigger);
  await trigger.click();
  const menu = page.getByRole("menu");
  await expect(menu.getByRole("menuitem")).toHaveCount(6); // five projects and "All projects"
  const filter = menu.getByRole("searchbox", { name: "Filter projects" });
  await filter.pressSequentially("logi");
  await expect(filter).toHaveValue("logi");
  await expect(menu.getByRole("menuitem")).toHaveCount(2);
  await shot(page, "project-switcher");
  await menu.getByRole("menuitem", { name: /logistics/ }).click();
  await expect(page).toHaveURL(/\/projects\/logistics$/);
});

test("roles are explained where they are granted; the last admin cannot step down, and stepping down asks first", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/projects/retail/access");
  const guide = page.getByRole("definition").filter({ hasText: "read feature values" });
  await expect(guide.first()).toBeVisible();
  await expect(page.getByText("What each role may do")).toBeVisible();
  const mine = page.getByLabel("Role of admin@e2e.test");
  await hydrated(mine);
  await expect(mine).toHaveValue("admin");

  // Demoting oneself asks first and says what would be lost; "keep" sends nothing.
  let patches = 0;
  page.on("request", (r) => {
    if (r.method() === "PATCH" && r.url().includes("/members/")) patches++;
  });
  await mine.selectOption("editor");
  const ask = page.getByRole("dialog", { name: "Change your own role to editor?" });
  await expect(ask).toContainText("manage members");
  await shot(page, "access-self-demotion");
  await ask.getByRole("button", { name: "Keep me admin" }).click();
  await expect(ask).toHaveCount(0);
  await expect(mine).toHaveValue("admin");
  expect(patches).toBe(0);

  // Confirmed, the server refuses: the only admin of a project stays its admin (409 problem+json).
  await mine.selectOption("editor");
  const refused = page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes("/members/"));
  await page.getByRole("dialog", { name: "Change your own role to editor?" }).getByRole("button", { name: "Make me editor" }).click();
  expect((await refused).status()).toBe(409);
  await expect(page.getByText(/last admin of project "retail"/)).toBeVisible();
  await expect(mine).toHaveValue("admin");

  // Removing oneself as the last admin is refused the same way.
  page.once("dialog", (d) => {
    expect(d.message()).toContain("Remove yourself from retail?");
    void d.accept();
  });
  const removal = page.waitForResponse((r) => r.request().method() === "DELETE" && r.url().includes("/members/"));
  await page.getByRole("button", { name: "Remove admin@e2e.test" }).click();
  expect((await removal).status()).toBe(409);
  await expect(page.getByRole("table", { name: "Members" })).toContainText("admin@e2e.test");
});
