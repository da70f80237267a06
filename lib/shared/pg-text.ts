// Text Postgres can store (docs/security.md, "Bad input"): PostgreSQL's text type cannot hold U+0000
// and accepts only valid UTF-8, and a lone UTF-16 surrogate (`"\ud800"` in JSON) has no UTF-8
// encoding: the driver would fail the query (a 500) or silently write U+FFFD instead. Input is
// checked at the zod boundary so the answer is a 400 naming the field. Every other character,
// control characters and well-formed pairs included, is text and stays exactly as it came.
import { z } from "zod";

/** Why Postgres cannot store `s` as text, or undefined when it can. */
export function unstorableTextReason(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return `contains a NUL character (\\u0000) at position ${i}; remove it`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `contains an unpaired UTF-16 surrogate at position ${i}, which is not a character; send valid Unicode`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `contains an unpaired UTF-16 surrogate at position ${i}, which is not a character; send valid Unicode`;
  }
  return undefined;
}

/** The first string in a JSON-like value (keys included) that Postgres cannot store, with its path. */
export function findUnstorableText(value: unknown, path: (string | number)[] = [], depth = 0): { path: (string | number)[]; reason: string } | undefined {
  if (typeof value === "string") {
    const reason = unstorableTextReason(value);
    return reason ? { path, reason } : undefined;
  }
  // Deeper than any schema goes: the schema itself refuses it.
  if (value === null || typeof value !== "object" || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorableText(value[i], [...path, i], depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const keyReason = unstorableTextReason(k);
    if (keyReason) return { path: [...path, k], reason: `its name ${keyReason}` };
    const hit = findUnstorableText(v, [...path, k], depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The one zod refinement for "text Postgres can store", over a whole input (path parameters, query
 * or body): each offending string becomes an issue at its own path.
 */
export function refineStorableText(value: unknown, ctx: z.RefinementCtx): void {
  const hit = findUnstorableText(value);
  if (hit) ctx.addIssue({ code: "custom", path: hit.path, message: hit.reason, input: value });
}

/** A string field that must be storable text (for schemas used outside the API wrapper). */
export const PgText = z.string().superRefine(refineStorableText);
