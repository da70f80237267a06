// Pure helpers of the sampled statistics path (lib/quality/compute-stats.ts): the sampling rate of
// a partition, its hash threshold, and the scaling of a sample histogram. All deterministic.
import "server-only";

/**
 * Sampling rate 2^-k for `count` values when at most `sampleRows` should be kept: 1 (exact) when
 * count ≤ sampleRows, else the largest power of two that keeps about sampleRows/2 … sampleRows.
 * Powers of two make the samples nested: a partition that grows a little keeps its old sample rows.
 */
export function samplingShift(count: number, sampleRows: number): number {
  if (!(count > sampleRows) || sampleRows < 1) return 0;
  return Math.min(62, Math.ceil(Math.log2(count / sampleRows)));
}

/** The largest 64-bit hash kept at rate 2^-shift (rows with hash(…) ≤ this are in the sample). */
export function hashThreshold(shift: number): bigint {
  return (1n << BigInt(64 - shift)) - 1n;
}

/**
 * Scales sample bin counts to `target` (their estimated total in the whole partition) with
 * largest-remainder rounding, so the scaled counts are integers that sum to exactly `target`
 * (ties go to the lower bin). Counts already summing to `target` are returned unchanged.
 */
export function scaleCounts(counts: number[], target: number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum === target) return counts.slice();
  if (sum === 0 || target <= 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * target) / sum);
  const out = exact.map(Math.floor);
  let left = target - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, k) => ({ k, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.k - b.k);
  for (let j = 0; left > 0 && j < order.length; j++, left--) out[order[j].k]++;
  return out;
}
