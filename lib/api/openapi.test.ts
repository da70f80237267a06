import { describe, expect, it } from "vitest";
import { ALL_ENDPOINTS } from "./endpoints";
import { buildOpenApiDocument } from "./openapi";
import { INSTANCE_PERMISSIONS, PROJECT_PERMISSIONS } from "../auth/permissions";

type Doc = ReturnType<typeof buildOpenApiDocument>;
type Op = { operationId: string; security?: unknown[]; parameters?: Array<{ in: string; name: string }>; responses: Record<string, unknown>; "x-larder-permission"?: string };

function operations(doc: Doc): Array<{ path: string; method: string; op: Op }> {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Op>).map(([method, op]) => ({ path, method, op })),
  );
}

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument();

  it("is an OpenAPI 3.1 document with paths, components and security schemes", () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe("Larder API");
    expect(Object.keys(doc.paths ?? {}).length).toBeGreaterThan(0);
    expect(doc.components?.schemas?.Problem).toBeDefined();
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(["bearerAuth", "cookieAuth"]);
    expect(() => JSON.parse(JSON.stringify(doc))).not.toThrow();
  });

  it("has every endpoint, once, under its path and method", () => {
    const ops = operations(doc);
    expect(ops.length).toBe(ALL_ENDPOINTS.length);
    for (const ep of ALL_ENDPOINTS) {
      const op = (doc.paths?.[ep.path] as Record<string, Op> | undefined)?.[ep.method.toLowerCase()];
      expect(op, `${ep.method} ${ep.path}`).toBeDefined();
      expect(op?.operationId).toBe(ep.id);
    }
    expect(new Set(ALL_ENDPOINTS.map((e) => e.id)).size).toBe(ALL_ENDPOINTS.length);
  });

  it("declares a known permission on every endpoint, and security on all but public ones", () => {
    const known = new Set([...Object.keys(PROJECT_PERMISSIONS), ...Object.keys(INSTANCE_PERMISSIONS)]);
    for (const ep of ALL_ENDPOINTS) {
      expect(known.has(ep.permission), `${ep.id}: ${ep.permission}`).toBe(true);
    }
    for (const { op } of operations(doc)) {
      expect(op["x-larder-permission"], op.operationId).toBeTruthy();
      if (op["x-larder-permission"] === "public") expect(op.security).toEqual([]);
      else expect(op.security?.length, op.operationId).toBe(2);
    }
  });

  it("documents path parameters and problem+json errors with the shared Problem schema", () => {
    for (const { path, op } of operations(doc)) {
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        expect(op.parameters?.some((p) => p.in === "path" && p.name === name), `${op.operationId} {${name}}`).toBe(true);
      }
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const schema = (r as { content: Record<string, { schema: { $ref?: string } }> }).content["application/problem+json"].schema;
        expect(schema.$ref).toBe("#/components/schemas/Problem");
      }
    }
    const search = (doc.paths?.["/api/v1/search"] as Record<string, Op>).get;
    expect(search.parameters?.map((p) => p.name)).toContain("q");
    expect(Object.keys(search.responses)).toEqual(expect.arrayContaining(["200", "400", "401"]));
  });
});
