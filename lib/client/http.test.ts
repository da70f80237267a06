import { describe, expect, it } from "vitest";
import { LarderHttpError, createClient } from "./http";

function fakeFetch(status: number, body: string, seen: { url?: string; init?: RequestInit } = {}): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    seen.url = url;
    seen.init = init;
    return new Response(body, { status, headers: { "content-type": status < 400 ? "application/json" : "application/problem+json" } });
  }) as unknown as typeof fetch;
}

describe("createClient", () => {
  it("sends the bearer token and JSON body, and parses the answer", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const c = createClient({ baseUrl: "http://x/", token: "ldr_t", fetch: fakeFetch(200, '{"ok":true}', seen) });
    expect(await c.request<{ ok: boolean }>("POST", "/api/v1/p", { a: 1 })).toEqual({ ok: true });
    expect(seen.url).toBe("http://x/api/v1/p");
    const h = seen.init!.headers as Record<string, string>;
    expect(h.authorization).toBe("Bearer ldr_t");
    expect(h["content-type"]).toBe("application/json");
    expect(seen.init!.body).toBe('{"a":1}');
  });

  it("throws an error carrying the problem+json on 4xx/5xx", async () => {
    const problem = { type: "t", title: "Validation failed", status: 422, detail: "2 problems", code: "validation_failed", requestId: "r", invalid_params: [{ name: "a", reason: "b" }] };
    const c = createClient({ baseUrl: "http://x", fetch: fakeFetch(422, JSON.stringify(problem)) });
    const err = await c.request("GET", "/y").catch((e: unknown) => e as LarderHttpError);
    expect(err).toBeInstanceOf(LarderHttpError);
    expect(err).toMatchObject({ status: 422, problem });
    expect((err as Error).message).toBe("GET /y failed with 422: 2 problems");
  });

  it("explains an unreachable server", async () => {
    const c = createClient({ baseUrl: "http://x", fetch: (async () => { throw new TypeError("fetch failed"); }) as unknown as typeof fetch });
    await expect(c.request("GET", "/y")).rejects.toThrow(/Cannot reach the Larder API at http:\/\/x.*LARDER_URL/);
  });
});
