// Issue 13 item 9 against the real `next start`: the web server learns each request's peer from its
// socket (instrumentation.ts stamps it), so a client's own X-Forwarded-For neither spreads its login
// failures over made-up addresses nor, without TRUSTED_PROXIES, counts at all; and a session write
// with `Origin: null` is refused.
import { PASSWORD, emailOf } from "./support/env";
import { expect, test } from "./support/fixtures";

test("login failures count against the connection's address, whatever X-Forwarded-For claims", async ({ playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  const email = `nobody-${Date.now().toString(36)}@e2e.test`;
  const attempt = (i: number) => api.post("/api/v1/auth/login", { data: { email, password: "not-the-password" }, headers: { "x-forwarded-for": `198.18.7.${i}` } });
  for (let i = 1; i <= 10; i++) expect((await attempt(i)).status(), `attempt ${i}`).toBe(401);
  const refused = await attempt(11);
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  await api.dispose();
});

test("a session write with Origin null is refused; from the console's own origin it goes through", async ({ playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  expect((await api.post("/api/v1/auth/login", { data: { email: emailOf("viewer"), password: PASSWORD } })).status()).toBe(200);
  const refused = await api.post("/api/v1/auth/logout", { headers: { origin: "null" } });
  expect(refused.status()).toBe(403);
  expect(refused.headers()["content-type"]).toMatch(/problem\+json/);
  // A forwarded host from a client that is no trusted proxy vouches for nothing.
  expect((await api.post("/api/v1/auth/logout", { headers: { origin: "https://evil.example", "x-forwarded-host": "evil.example" } })).status()).toBe(403);
  expect((await api.get("/api/v1/me")).status()).toBe(200);
  expect((await api.post("/api/v1/auth/logout", { headers: { origin: new URL(baseURL!).origin } })).status()).toBe(204);
  await api.dispose();
});
