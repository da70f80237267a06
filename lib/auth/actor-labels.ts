// Labels of who did something, as people read them. Rows record the actor as principalLabel()
// wrote it (`token:<id> (<creator e-mail>)` for an API token); this turns a token's id into its
// name (`token “ci-reader” (ann@example.com)`) when showing it. The stored label stays as written:
// it is what audit trails and scripts match on.
import "server-only";
import { db } from "../db/client";

const TOKEN_LABEL = /^token:(\S+) \((.*)\)$/s;

/** The token id in a principalLabel() of a token, or null for any other label. */
export function tokenIdOfLabel(label: string): string | null {
  return TOKEN_LABEL.exec(label)?.[1] ?? null;
}

/** A token's label with its name in place of its id. */
export function tokenLabel(name: string, creatorEmail: string): string {
  return `token “${name}” (${creatorEmail})`;
}

/** Readable labels of `labels` (one query for all token names); a label that names no token is returned as it is. */
export async function readableActorLabels(labels: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const byToken = new Map<string, string[]>();
  for (const label of new Set(labels)) {
    out.set(label, label);
    const id = tokenIdOfLabel(label);
    if (id) byToken.set(id, [...(byToken.get(id) ?? []), label]);
  }
  if (byToken.size === 0) return out;
  const tokens = await db().apiToken.findMany({ where: { id: { in: [...byToken.keys()] } }, select: { id: true, name: true } });
  for (const t of tokens) {
    for (const label of byToken.get(t.id) ?? []) out.set(label, tokenLabel(t.name, TOKEN_LABEL.exec(label)![2]));
  }
  return out;
}
