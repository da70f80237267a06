// A view's timeline by default spans its materializations only: gaps are holes between them, not
// "now minus the last run", and a view never materialized answers an empty timeline, not a 400.
import { beforeAll, describe, expect, it } from "vitest";
import { callRoute, json } from "../../test/fixtures/api";
import { addTestMember, bearer, createTestProject, createTestToken, createTestUser } from "../../test/fixtures/auth";
import { createView } from "../../test/fixtures/catalog";
import { db } from "../db/client";

const DAY = 86400_000;
const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
let project: { id: string; name: string };
let token: string;

beforeAll(async () => {
  project = await createTestProject("intervals");
  const owner = await createTestUser();
  await addTestMember(project.id, owner.id, "viewer");
  token = (await createTestToken(project.id, owner.id, "viewer")).token;
  const spec = [{ source: "tx", entities: ["customer"], features: [{ name: "amount", dtype: "float64" }] }];
  await createView(project.id, "never", spec);
  const holes = await createView(project.id, "holes", spec);
  const v = await db().featureViewVersion.findFirstOrThrow({ where: { featureViewId: holes.id } });
  await db().materializedInterval.createMany({
    data: [
      { versionId: v.id, start: new Date(T0), end: new Date(T0 + 2 * DAY), online: true, offline: true },
      { versionId: v.id, start: new Date(T0 + 5 * DAY), end: new Date(T0 + 7 * DAY), online: true, offline: true },
    ],
  });
});

const intervals = (view: string, query: Record<string, string> = {}) =>
  callRoute("GET", "/api/v1/projects/{project}/feature-views/{view}/intervals", { params: { project: project.name, view }, headers: bearer(token), query });

describe("intervals", () => {
  it("says a never-materialized view has nothing, without an error", async () => {
    const res = await intervals("never");
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ start: null, end: null, intervals: [], gaps: [], lastMaterializedEnd: null });
  });

  it("reports the holes between materializations as gaps, not the time since the last run", async () => {
    const body = await json(await intervals("holes"));
    expect(body).toMatchObject({
      start: iso(T0),
      end: iso(T0 + 7 * DAY),
      intervals: [
        { start: iso(T0), end: iso(T0 + 2 * DAY) },
        { start: iso(T0 + 5 * DAY), end: iso(T0 + 7 * DAY) },
      ],
      gaps: [{ start: iso(T0 + 2 * DAY), end: iso(T0 + 5 * DAY) }],
      lastMaterializedEnd: iso(T0 + 7 * DAY),
    });
  });

  it("reports every unmaterialized part of a range that is asked for", async () => {
    const body = await json(await intervals("holes", { start: iso(T0 - DAY), end: iso(T0 + 8 * DAY) }));
    expect((body as { gaps: unknown[] }).gaps).toEqual([
      { start: iso(T0 - DAY), end: iso(T0) },
      { start: iso(T0 + 2 * DAY), end: iso(T0 + 5 * DAY) },
      { start: iso(T0 + 7 * DAY), end: iso(T0 + 8 * DAY) },
    ]);
    const never = await json(await intervals("never", { start: iso(T0), end: iso(T0 + DAY) }));
    expect(never).toMatchObject({ gaps: [{ start: iso(T0), end: iso(T0 + DAY) }] });
    const backwards = await intervals("holes", { start: iso(T0 + DAY), end: iso(T0) });
    expect(backwards.status).toBe(400);
  });
});
