// Validation of an online request, by hand in tight loops (it runs on every inference call): the
// body's shape, and the entity columns against the plan's join keys and their dtypes.
import "server-only";
import { LarderError, badRequest } from "../errors";
import type { OnlinePlan } from "./read-plan";
import { MAX_ONLINE_ENTITY_ROWS, type OnlineFeaturesRequest } from "./read-types";

const INT_STRING = /^-?[0-9]+$/;

function checkJoinKeyValue(key: string, dtype: string, v: unknown, i: number): void {
  let ok: boolean;
  switch (dtype) {
    case "int32":
    case "int64":
      ok = typeof v === "number" ? Number.isInteger(v) : typeof v === "string" && INT_STRING.test(v);
      if (ok && dtype === "int32" && (Number(v) > 2147483647 || Number(v) < -2147483648)) ok = false;
      break;
    case "float32":
    case "float64":
      ok = typeof v === "number" && Number.isFinite(v);
      break;
    case "bool":
      ok = typeof v === "boolean";
      break;
    default:
      ok = typeof v === "string";
  }
  if (!ok) {
    const expected =
      dtype === "int32" || dtype === "int64" ? "an integer" : dtype === "bool" ? "true or false" : dtype.startsWith("float") ? "a number" : "a string";
    throw new LarderError(
      "bad_request",
      `Join key "${key}" has dtype ${dtype}: every value must be ${expected}; entities.${key}[${i}] is ${JSON.stringify(v)}.`,
      { invalidParams: [{ name: `entities.${key}[${i}]`, reason: `expected ${dtype} (${expected})` }] },
    );
  }
}

/** Validates the entity columns against the plan's join keys; returns the row count. */
export function checkEntities(entities: unknown, plan: OnlinePlan): number {
  if (typeof entities !== "object" || entities === null || Array.isArray(entities)) {
    throw badRequest('"entities" must be an object of join key → list of values, e.g. {"customer_id": [1, 2]}.', [
      { name: "entities", reason: "must be an object of join key → array" },
    ]);
  }
  const cols = entities as Record<string, unknown>;
  let n = -1;
  for (const key of Object.keys(cols)) {
    const dtype = plan.joinKeys.get(key);
    if (dtype === undefined) {
      throw badRequest(
        `"${key}" is not a join key of the requested features; they need ${[...plan.joinKeys.keys()].join(", ")}.`,
        [{ name: `entities.${key}`, reason: "not a join key of the requested feature views" }],
      );
    }
    const values = cols[key];
    if (!Array.isArray(values)) throw badRequest(`entities.${key} must be an array of values.`, [{ name: `entities.${key}`, reason: "must be an array" }]);
    if (n === -1) n = values.length;
    else if (values.length !== n) {
      throw badRequest(`Every entity column must have the same length; entities.${key} has ${values.length} values, others ${n}.`, [
        { name: `entities.${key}`, reason: `length ${values.length} ≠ ${n}` },
      ]);
    }
    for (let i = 0; i < values.length; i++) checkJoinKeyValue(key, dtype, values[i], i);
  }
  for (const key of plan.joinKeys.keys()) {
    if (!(key in cols)) {
      throw badRequest(`Missing entity column "${key}": the requested features need join keys ${[...plan.joinKeys.keys()].join(", ")}.`, [
        { name: `entities.${key}`, reason: `required (dtype ${plan.joinKeys.get(key)})` },
      ]);
    }
  }
  if (n <= 0) throw badRequest("The entity columns are empty; send at least one entity.", [{ name: "entities", reason: "no rows" }]);
  if (n > MAX_ONLINE_ENTITY_ROWS) {
    throw new LarderError("payload_too_large", `At most ${MAX_ONLINE_ENTITY_ROWS} entity rows per online request; got ${n}. Split the request.`);
  }
  return n;
}

export function checkRequestShape(req: unknown): OnlineFeaturesRequest {
  if (typeof req !== "object" || req === null || Array.isArray(req)) throw badRequest("The request body must be a JSON object.");
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
