// Host state for the benchmark scripts: this 2-core VM shares its physical CPUs, and the hypervisor
// sometimes runs someone else on them ("steal" time in /proc/stat). A run with high steal measures
// the host, not Larder; the scripts print the steal share of each measured window beside the figure.
import { readFileSync } from "node:fs";

interface CpuTimes {
  steal: number;
  total: number;
}

function cpuTimes(): CpuTimes | null {
  try {
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (all CPUs, in ticks)
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (v.length < 8 || v.some((x) => !Number.isFinite(x))) return null;
    return { steal: v[7], total: v.reduce((s, x) => s + x, 0) };
  } catch {
    return null; // not Linux: no steal figure
  }
}

/** Starts a window; the returned function gives the share of CPU time stolen since, in % (null if unknown). */
export function stealMeter(): () => number | null {
  const a = cpuTimes();
  return () => {
    const b = cpuTimes();
    if (!a || !b || b.total === a.total) return null;
    return (100 * (b.steal - a.steal)) / (b.total - a.total);
  };
}

/** ", steal 4%" for a result line ("" when unknown). */
export function stealNote(pct: number | null): string {
  return pct === null ? "" : `, steal ${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}
