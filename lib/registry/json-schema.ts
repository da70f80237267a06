// The JSON Schema of one repo YAML file, generated from the same zod schema that validates it.
// Committed as docs/feature-repo.schema.json (a unit test keeps it in sync; regenerate with
// `npm run -s larder schema > docs/feature-repo.schema.json`).
import "server-only";
import { z } from "zod";
import { RepoFileDef } from "./repo-schema";

export function repoFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RepoFileDef, { io: "input", unrepresentable: "any" }),
    $id: "https://larder.dev/schemas/feature-repo.schema.json",
    title: "Larder feature repo file",
    description: "One YAML file of a Larder feature repo (see docs/feature-repo.md).",
  };
}

export function repoFileJsonSchemaText(): string {
  return `${JSON.stringify(repoFileJsonSchema(), null, 2)}\n`;
}
