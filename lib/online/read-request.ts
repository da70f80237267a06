// Validation of an online request, by hand in tight loops (it runs on every inference call): the
// body's shape, and the entity columns against the plan's join keys and their dtypes (values.ts).
import "server-only";
import { LarderError, badRequest } from "../errors";
import { writeJson } from "../shared/exact-json";
import type { OnlinePlan } from "./read-plan";
import { expectedOf, keyText } from "./values";
import { MAX_ONLINE_ENTITY_ROWS, type OnlineFeaturesRequest } from "./read-types";

function badKey(key: string, dtype: string, v: unknown, i: number): LarderError {
  const expected = expectedOf(dtype);
  return new LarderError("bad_request", `Join key "${key}" has dtype ${dtype}: every value must be ${expected}; entities.${key}[${i}] is ${writeJson(v)}.`, {
    invalidParams: [{ name: `entities.${key}[${i}]`, reason: `expected ${dtype} (${expected})` }],
    subject: "entity_columns",
  });
}

/** The entity columns of a request, checked: the row count and each join key's canonical key texts. */
export interface CheckedEntities {
  n: number;
  /** Join key → its values as key text (values.ts keyText), in request order. */
  keyTexts: Record<string, string[]>;
}

/**
 * Validates the entity columns against the plan's join keys. As in Feast, columns that are not join
 * keys (request data, or anything else) are accepted and ignored, but every column must have the
 * same length.
 */
export function checkEntities(entities: unknown, plan: OnlinePlan): CheckedEntities {
  if (typeof entities !== "object" || entities === null || Array.isArray(entities)) {
    throw badRequest('"entities" must be an object of join key → list of values, e.g. {"customer_id": [1, 2]}.', [
      { name: "entities", reason: "must be an object of join key → array" },
    ]);
  }
  const cols = entities as Record<string, unknown>;
  let n = -1;
  const keyTexts: Record<string, string[]> = {};
  for (const key of Object.keys(cols)) {
    const values = cols[key];
    if (!Array.isArray(values)) throw badRequest(`entities.${key} must be an array of values.`, [{ name: `entities.${key}`, reason: "must be an array" }]);
    if (n === -1) n = values.length;
    else if (values.length !== n) {
      throw badRequest(`Every entity column must have the same length; entities.${key} has ${values.length} values, others ${n}.`, [
        { name: `entities.${key}`, reason: `length ${values.length} ≠ ${n}` },
      ]);
    }
    const dtype = plan.joinKeys.get(key);
    if (dtype === undefined) continue;
    const texts: string[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // The common case first: a safe integer key is its own text.
      const t = typeof v === "number" && (dtype === "int64" || (dtype === "int32" && v >= -2147483648 && v <= 2147483647)) && Number.isSafeInteger(v) ? String(v) : keyText(dtype, v);
      if (t === null) throw badKey(key, dtype, v, i);
      texts[i] = t;
    }
    keyTexts[key] = texts;
  }
  for (const key of plan.joinKeys.keys()) {
    if (!(key in keyTexts)) {
      throw new LarderError("bad_request", `Missing entity column "${key}": the requested features need join keys ${[...plan.joinKeys.keys()].join(", ")}.`, {
        invalidParams: [{ name: `entities.${key}`, reason: `required (dtype ${plan.joinKeys.get(key)})` }],
        subject: "entity_columns",
      });
    }
  }
  if (n <= 0) throw badRequest("The entity columns are empty; send at least one entity.", [{ name: "entities", reason: "no rows" }]);
  if (n > MAX_ONLINE_ENTITY_ROWS) {
    throw new LarderError("payload_too_large", `At most ${MAX_ONLINE_ENTITY_ROWS} entity rows per online request; got ${n}. Split the request.`);
  }
  return { n, keyTexts };
}

export function checkRequestShape(req: unknown): OnlineFeaturesRequest {
  if (typeof req !== "object" || req === null || Array.isArray(req)) {
    throw badRequest('The request body must be a JSON object: {"features": [...], "entities": {...}}.', [{ name: "(root)", reason: "must be an object" }]);
  }
  const r = req as Record<string, unknown>;
  if (r.features !== undefined && r.features !== null && !Array.isArray(r.features)) {
    throw badRequest('"features" must be a list of feature references.', [{ name: "features", reason: "must be an array of strings" }]);
  }
  if (r.feature_service !== undefined && r.feature_service !== null && typeof r.feature_service !== "string") {
    throw badRequest('"feature_service" must be a string.', [{ name: "feature_service", reason: "must be a string" }]);
  }
  if (r.full_feature_names !== undefined && typeof r.full_feature_names !== "boolean") {
    throw badRequest('"full_feature_names" must be true or false.', [{ name: "full_feature_names", reason: "must be a boolean" }]);
  }
  if (r.include_staleness !== undefined && typeof r.include_staleness !== "boolean") {
    throw badRequest('"include_staleness" must be true or false.', [{ name: "include_staleness", reason: "must be a boolean" }]);
  }
  if (r.entities === undefined) throw badRequest('"entities" is required.', [{ name: "entities", reason: "required" }]);
  return r as unknown as OnlineFeaturesRequest;
}
