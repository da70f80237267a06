/*
 * Host stall probe (docs/benchmarks.md, "Online retrieval"): spins on the monotonic clock for N
 * seconds and counts the moments this thread did not run: gaps between two clock reads longer
 * than 0.5, 1 and 2 ms. Run one per vCPU on an otherwise idle machine; a gap is time the
 * hypervisor (or an interrupt, or another process) took the CPU away, and every process on that
 * vCPU — a server under test included — stalls as long at that moment. No allocation, no runtime.
 *
 *   gcc -O2 -o /tmp/stall-probe bench/stall-probe.c
 *   taskset -c 0 /tmp/stall-probe 10 & taskset -c 1 /tmp/stall-probe 10; wait
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 10.0;
  uint64_t start = now_ns(), last = start, end = start + (uint64_t)(seconds * 1e9), max = 0;
  unsigned long over05 = 0, over1 = 0, over2 = 0;
  for (;;) {
    uint64_t t = now_ns(), gap = t - last;
    if (gap > 500000) {
      over05++;
      if (gap > 1000000) over1++;
      if (gap > 2000000) over2++;
      if (gap > max) max = gap;
    }
    last = t;
    if (t > end) break;
  }
  printf("%.0f s spinning: gaps > 0.5 ms %lu (%.1f/s), > 1 ms %lu (%.1f/s), > 2 ms %lu (%.1f/s), longest %.2f ms\n", seconds, over05,
         over05 / seconds, over1, over1 / seconds, over2, over2 / seconds, max / 1e6);
  return 0;
}
