// The demo's second example (examples/acme) stays valid: its committed YAML is what catalog.ts
// generates, every project plans and applies cleanly, and it has the size and variety the demo
// promises (four projects, ~40 views, ~300 features, restricted views, services and models).
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../config/env";
import { db } from "../db/client";
import { applyRepo } from "../registry/apply-repo";
import { loadRepo } from "../registry/load-repo";
import { planRepo } from "../registry/plan-repo";
import { ACME } from "../../examples/acme/catalog";
import { ACME_DIR, acmeRepoYaml } from "../../examples/acme/build";

const SYSTEM = { kind: "system" as const, label: "test" };
let savedRoots: string | undefined;

beforeAll(() => {
  // The example's sources live under examples/ (a default data root of the demo).
  savedRoots = process.env.DATA_ROOTS;
  process.env.DATA_ROOTS = `${savedRoots},examples`;
  resetEnvForTests();
});
afterAll(() => {
  process.env.DATA_ROOTS = savedRoots;
  resetEnvForTests();
});

describe("examples/acme", () => {
  it("commits exactly what catalog.ts generates", async () => {
    for (const p of ACME) {
      expect(await fs.readFile(path.join(ACME_DIR, p.name, "repo.yaml"), "utf8"), `${p.name}: run node --import tsx examples/acme/build.ts`).toBe(acmeRepoYaml(p));
    }
  });

  it("plans and applies every project, with the size and variety the demo promises", async () => {
    for (const p of ACME) {
      const dir = path.join(ACME_DIR, p.name);
      const loaded = await loadRepo(dir);
      const plan = await planRepo({ repo: loaded.repo, origins: loaded.origins, baseDir: dir });
      expect(plan.conflicts).toEqual([]);
      await applyRepo({ repo: loaded.repo, origins: loaded.origins, actor: SYSTEM, projectCreate: true, baseDir: dir });
    }
    const names = ACME.map((p) => p.name);
    const views = await db().featureView.findMany({ where: { project: { name: { in: names } } }, select: { restricted: true, versions: { select: { features: { select: { id: true } } } } } });
    expect(views).toHaveLength(40);
    const features = views.reduce((n, v) => n + v.versions[0].features.length, 0);
    expect(features).toBeGreaterThanOrEqual(280);
    expect(views.filter((v) => v.restricted).length).toBeGreaterThanOrEqual(3);
    expect(await db().featureService.count({ where: { project: { name: { in: names } } } })).toBeGreaterThanOrEqual(10);
    expect(await db().model.count({ where: { project: { name: { in: names } } } })).toBeGreaterThanOrEqual(10);
    const owners = await db().featureView.findMany({ where: { project: { name: { in: names } } }, distinct: ["owner"], select: { owner: true } });
    expect(owners.length).toBeGreaterThanOrEqual(10);
  });
});
