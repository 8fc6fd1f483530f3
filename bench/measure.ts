/**
 * Timing of lookup counters with tinybench.
 *
 * One tinybench sample is one batch of lookups, timed around the batch and
 * divided by its size, because a single lookup (tens of nanoseconds) is
 * shorter than the timer's own overhead. Every batch checks the number of
 * addresses found, so a matcher that returns a wrong count stops the run instead of
 * producing a number.
 */

import { Bench, type FnReturnedObject } from 'tinybench';
import type { LookupCounter } from './matchers.ts';
import { QUERY_COUNT } from './range-data.ts';

/** Time budget of one measurement. */
export interface MeasureBudget {
  /** Measuring time in milliseconds, after warmup. */
  timeMs: number;
  /** Warmup time in milliseconds. */
  warmupMs: number;
  /** Samples to take at least, unless one sample costs more than the time budget allows. */
  minSamples: number;
  /** Minimum samples for lookups so slow that `minSamples` would not fit the time budget. */
  slowSamples: number;
}

export interface Measurement {
  /** Median time per lookup, in nanoseconds. */
  nsPerLookup: number;
  samples: number;
  /** Lookups per sample. */
  batch: number;
  /** True when fewer than `minSamples` samples were taken because each one was slow. */
  reduced: boolean;
}

/** A sample aims at about this long, so that timer overhead stays far below 1%. */
const TARGET_SAMPLE_MS = 0.5;

/** Lookups per probe after the first, for counters faster than PROBE_REPEAT_BELOW_MS. */
const PROBE_BATCH = 64;
const PROBE_REPEAT_BELOW_MS = 0.05;

/** Runs `count` lookups once and returns the time per lookup in milliseconds. */
function timeProbe(label: string, counter: LookupCounter, count: number, expectedPerLookup: 0 | 1): number {
  const startedAt = performance.now();
  const found = counter(0, count);
  const elapsedMs = performance.now() - startedAt;
  if (found !== expectedPerLookup * count) {
    throw new Error(`${label}: found ${found} of ${count} addresses, expected ${expectedPerLookup * count}.`);
  }
  return Math.max(elapsedMs, 1e-6) / count;
}

/** Returns the largest power of two ≤ value, within [1, QUERY_COUNT]. */
function batchSizeFor(value: number): number {
  let batch = 1;
  while (batch * 2 <= value && batch * 2 <= QUERY_COUNT) {
    batch *= 2;
  }
  return batch;
}

/**
 * Measures a counter over the QUERY_COUNT queries that it was built for.
 * `expectedPerLookup` is 1 when every query is a hit and 0 when every query
 * is a miss.
 *
 * @throws Error when the counter finds a different number of addresses than
 *   expected, or when the counter itself throws.
 */
export async function measureCounter(label: string, counter: LookupCounter, expectedPerLookup: 0 | 1, budget: MeasureBudget): Promise<Measurement> {
  // Timed probes size the batch, and they catch a wrong count before any timing.
  let probeMs = timeProbe(label, counter, 1, expectedPerLookup);
  if (probeMs < PROBE_REPEAT_BELOW_MS) {
    // A first call runs unoptimized code, so fast counters get a few larger probes.
    for (let i = 0; i < 3; i++) {
      probeMs = Math.min(probeMs, timeProbe(label, counter, PROBE_BATCH, expectedPerLookup));
    }
  }

  const batch = batchSizeFor(TARGET_SAMPLE_MS / probeMs);
  const sampleMs = probeMs * batch;
  const affordableSamples = Math.floor(budget.timeMs / sampleMs);
  const reduced = affordableSamples < budget.minSamples;
  const minSamples = reduced ? Math.max(budget.slowSamples, affordableSamples) : budget.minSamples;

  let offset = 0;
  const bench = new Bench({
    name: label,
    time: reduced ? 0 : budget.timeMs,
    iterations: minSamples,
    // A slow lookup was already warmed up by the probe, and one more call would cost as much as a sample.
    warmup: !reduced,
    warmupTime: budget.warmupMs,
    warmupIterations: 4,
    throws: true,
  });
  bench.add(
    label,
    (): FnReturnedObject => {
      const start = offset;
      offset = (offset + batch) & (QUERY_COUNT - 1);
      const startedAt = bench.now();
      const found = counter(start, batch);
      const elapsedMs = bench.now() - startedAt;
      if (found !== expectedPerLookup * batch) {
        throw new Error(`${label}: found ${found} of ${batch} addresses from index ${start}, expected ${expectedPerLookup * batch}.`);
      }
      return { overriddenDuration: elapsedMs / batch, overriddenIterationCost: elapsedMs };
    },
    { async: false },
  );
  await bench.run();

  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') {
    const reason = result.state === 'errored' ? result.error.message : result.state;
    throw new Error(`${label}: the measurement did not complete (${reason}).`);
  }
  return { nsPerLookup: result.latency.p50 * 1e6, samples: result.latency.samplesCount, batch, reduced };
}

/** Returns the median of the values, or NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
