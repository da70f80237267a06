// A readable diff between two view versions: both definitions rendered as canonical YAML (keys
// sorted, so only real changes show) and compared line by line.
import { diffLines } from "diff";
import YAML from "yaml";

export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function canonicalYaml(definition: unknown): string {
  return YAML.stringify(canonical(definition), { lineWidth: 0 });
}

export interface DiffLine {
  kind: "add" | "remove" | "same";
  text: string;
  /** Line numbers in the old / new text (null for lines only on the other side). */
  oldNo: number | null;
  newNo: number | null;
}

export function definitionDiff(oldDef: unknown, newDef: unknown): { lines: DiffLine[]; added: number; removed: number } {
  const parts = diffLines(canonicalYaml(oldDef), canonicalYaml(newDef));
  const lines: DiffLine[] = [];
  let o = 1;
  let n = 1;
  let added = 0;
  let removed = 0;
  for (const p of parts) {
    const texts = p.value.replace(/\n$/, "").split("\n");
    for (const text of texts) {
      if (p.added) {
        lines.push({ kind: "add", text, oldNo: null, newNo: n++ });
        added++;
      } else if (p.removed) {
        lines.push({ kind: "remove", text, oldNo: o++, newNo: null });
        removed++;
      } else lines.push({ kind: "same", text, oldNo: o++, newNo: n++ });
    }
  }
  return { lines, added, removed };
}

/** Keeps changed lines with `context` lines around them; runs of unchanged lines collapse to a marker. */
export function withContext(lines: DiffLine[], context = 3): Array<DiffLine | { kind: "skip"; count: number }> {
  const keep = new Array(lines.length).fill(false);
  lines.forEach((l, i) => {
    if (l.kind !== "same") for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep[j] = true;
  });
  const out: Array<DiffLine | { kind: "skip"; count: number }> = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (keep[i]) {
      if (skipped) out.push({ kind: "skip", count: skipped });
      skipped = 0;
      out.push(l);
    } else skipped++;
  });
  if (skipped) out.push({ kind: "skip", count: skipped });
  return out;
}
