import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoFileJsonSchemaText } from "./json-schema";

describe("docs/feature-repo.schema.json", () => {
  it("is the JSON Schema generated from RepoFileDef (regenerate: npm run -s larder schema > docs/feature-repo.schema.json)", () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, "../../docs/feature-repo.schema.json"), "utf8");
    expect(committed).toBe(repoFileJsonSchemaText());
  });
});
