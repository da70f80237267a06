// One evaluator per condition kind.
import "server-only";
import type { ConditionKind, Evaluator } from "../conditions";
import { evaluateDrift } from "./drift";
import { evaluateJobFailed } from "./job-failed";
import { evaluateRuleFailed } from "./rule-failed";
import { evaluateSkew } from "./skew";
import { evaluateStale } from "./stale";

export const EVALUATORS: Record<ConditionKind, Evaluator> = {
  job_failed: evaluateJobFailed,
  stale: evaluateStale,
  rule_failed: evaluateRuleFailed,
  drift: evaluateDrift,
  skew: evaluateSkew,
};
