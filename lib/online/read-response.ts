// The online answer as objects (Feast's response shape): values, statuses (PRESENT, NOT_FOUND,
// NULL_VALUE, OUTSIDE_MAX_AGE — ttl enforced at read time) and event timestamps.
import "server-only";
import { type OnlinePlan, type ViewSlot } from "./read-plan";
import { EPOCH_ISO, type FeatureStatus, type OnlineFeaturesRequest, type OnlineFeaturesResponse, type OnlineRead } from "./read-types";

export function isoOf(ms: number): string {
  const s = new Date(ms).toISOString();
  // Feast prints whole seconds without a fraction.
  return s.endsWith(".000Z") ? `${s.slice(0, 19)}Z` : s;
}

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

export function buildResponse(plan: OnlinePlan, req: OnlineFeaturesRequest, n: number, rows: (string | null)[][][], now: number): OnlineFeaturesResponse {
  const featureNames: string[] = [];
  const results: OnlineFeaturesResponse["results"] = [];
  // Join keys first, as Feast echoes them.
  for (const key of Object.keys(req.entities)) {
    featureNames.push(key);
    const values = req.entities[key];
    results.push({ values: values.slice(), statuses: new Array(n).fill("PRESENT"), event_timestamps: new Array(n).fill(EPOCH_ISO) });
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
    const r: SlotRows = { tsIso: new Array(n), asofIso: new Array(n), stale: new Array(n), rowVals: new Array(n), aggVals: new Array(n) };
    for (let i = 0; i < n; i++) {
      const fields = groupRows[i];
      if (slot.rowIdx >= 0) {
        const ts = fields[slot.tsIdx];
        const packed = fields[slot.rowIdx];
        if (ts === null || packed === null) {
          r.rowVals[i] = null;
          r.tsIso[i] = EPOCH_ISO;
          r.stale[i] = false;
        } else {
          const tsMs = Number(ts);
          r.rowVals[i] = JSON.parse(packed) as unknown[];
          r.tsIso[i] = isoOf(tsMs);
          r.stale[i] = slot.ttlMs !== null && tsMs < now - slot.ttlMs;
        }
      }
      if (slot.aggIdx >= 0) {
        const asof = fields[slot.asofIdx];
        const packed = fields[slot.aggIdx];
        r.aggVals[i] = asof === null || packed === null ? null : (JSON.parse(packed) as unknown[]);
        r.asofIso[i] = asof === null || packed === null ? EPOCH_ISO : isoOf(Number(asof));
      }
    }
    slotRows.set(slot, r);
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
  return { metadata: { feature_names: featureNames }, results };
}
