// The online answer as objects (Feast's response shape): values, statuses (PRESENT, NOT_FOUND,
// NULL_VALUE, OUTSIDE_MAX_AGE — ttl enforced at read time) and event timestamps. Values are parsed
// with lib/shared/exact-json.ts, so an int64 beyond 2^53 is a BigInt here (write it with writeJson).
import "server-only";
import { parseJsonExact } from "../shared/exact-json";
import { isoFromUs } from "../shared/time-us";
import { clockUs } from "./keys";
import { type ViewSlot } from "./read-plan";
import { EPOCH_ISO, type FeatureStatus, type OnlineFeaturesResponse, type OnlineRead } from "./read-types";
import { keyEchoJson } from "./values";

/** The script's string answers as rows[group][entity] = that group's field values (null = absent). */
export function fieldRows(r: OnlineRead): (string | null)[][][] {
  return r.plan.groups.map((g, gi) => {
    const nf = g.fields.length;
    const rows: (string | null)[][] = [];
    for (const chunk of r.chunks[gi]) {
      const parts = String(chunk).split("\x1f");
      for (let j = 0; j + nf <= parts.length; j += nf) rows.push(parts.slice(j, j + nf).map((v) => (v === "" ? null : v)));
    }
    return rows;
  });
}

/** A stored packed value as an array, or null when it is absent or not a JSON array (then the entity reads as absent). */
function unpack(packed: string | null): unknown[] | null {
  if (packed === null) return null;
  try {
    const v = parseJsonExact(packed);
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

export function buildResponse(r: OnlineRead, rows: (string | null)[][][]): OnlineFeaturesResponse {
  const { plan, req, n, nowUs } = r;
  const featureNames: string[] = [];
  const results: OnlineFeaturesResponse["results"] = [];
  // Join keys first, as Feast echoes them, typed by their dtype.
  for (const key of Object.keys(r.keyTexts)) {
    featureNames.push(key);
    const dtype = plan.joinKeys.get(key)!;
    const texts = r.keyTexts[key];
    const original = req.entities[key];
    results.push({
      values: texts.map((t, i) => parseJsonExact(keyEchoJson(dtype, t, original[i]))),
      statuses: new Array(n).fill("PRESENT"),
      event_timestamps: new Array(n).fill(EPOCH_ISO),
    });
  }
  // Per view slot and row: event time strings, staleness, and the packed values parsed once.
  interface SlotRows {
    tsIso: string[];
    asofIso: string[];
    stale: boolean[];
    /** null = absent (NOT_FOUND). */
    rowVals: (unknown[] | null)[];
    aggVals: (unknown[] | null)[];
  }
  const slotRows = new Map<ViewSlot, SlotRows>();
  for (const slot of plan.slots) {
    const groupRows = rows[slot.group];
    const s: SlotRows = { tsIso: new Array(n), asofIso: new Array(n), stale: new Array(n), rowVals: new Array(n), aggVals: new Array(n) };
    for (let i = 0; i < n; i++) {
      const fields = groupRows[i] ?? [];
      if (slot.rowIdx >= 0) {
        const ts = clockUs(fields[slot.tsIdx]);
        const values = ts === null ? null : unpack(fields[slot.rowIdx] ?? null);
        s.rowVals[i] = values;
        s.tsIso[i] = values === null ? EPOCH_ISO : isoFromUs(ts!);
        s.stale[i] = values !== null && slot.ttlUs !== null && Number(ts) < nowUs - slot.ttlUs;
      }
      if (slot.aggIdx >= 0) {
        const asof = clockUs(fields[slot.asofIdx]);
        const values = asof === null ? null : unpack(fields[slot.aggIdx] ?? null);
        s.aggVals[i] = values;
        s.asofIso[i] = values === null ? EPOCH_ISO : isoFromUs(asof!);
      }
    }
    slotRows.set(slot, s);
  }
  for (const c of plan.columns) {
    featureNames.push(c.name);
    const t = slotRows.get(c.slot)!;
    const packed = c.isAggregation ? t.aggVals : t.rowVals;
    const times = c.isAggregation ? t.asofIso : t.tsIso;
    const values: unknown[] = new Array(n);
    const statuses: FeatureStatus[] = new Array(n);
    const tss: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const arr = packed[i];
      tss[i] = times[i];
      if (arr === null || arr.length <= c.pos) {
        values[i] = null;
        statuses[i] = "NOT_FOUND";
        tss[i] = EPOCH_ISO;
      } else if (!c.isAggregation && t.stale[i]) {
        values[i] = null;
        statuses[i] = "OUTSIDE_MAX_AGE";
      } else {
        const v = arr[c.pos];
        values[i] = v;
        statuses[i] = v === null ? "NULL_VALUE" : "PRESENT";
      }
    }
    results.push({ values, statuses, event_timestamps: tss });
  }
  // Feast's key order: results, then metadata.
  return { results, metadata: { feature_names: featureNames } };
}
