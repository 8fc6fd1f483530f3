/**
 * `npm run bench`: range-set lookups against peers, scaling, compile time and
 * memory, and HTTP load against a real server, all in one run, followed by
 * PASS/FAIL lines for the performance targets.
 *
 *   npm run bench                 full run, about 3 to 3.5 minutes on 2 cores, that updates docs/benchmarks.md
 *   npm run bench -- --quick      same code paths with fewer rounds and shorter runs (under a minute)
 *   npm run bench -- --no-write   do not update docs/benchmarks.md
 *   npm run bench -- --write      update docs/benchmarks.md after a quick run too
 *
 * The exit status is 0 when every measurement ran, whether targets pass or
 * fail. It is 1 when a measurement broke: a matcher threw or returned a wrong
 * count, the server did not start, or a request failed. It is 2 for an
 * unknown option.
 */

import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runHttpBenchmarks, type HttpOptions } from './http.ts';
import type { MeasureBudget } from './measure.ts';
import { runRangeSetBenchmarks, type RangeSetOptions } from './range-set.ts';
import { evaluateTargets, renderReport, writeDocs } from './report.ts';

interface Settings {
  rangeSet: Omit<RangeSetOptions, 'progress'>;
  http: Omit<HttpOptions, 'progress'>;
}

const fullBudget: MeasureBudget = { timeMs: 100, warmupMs: 20, minSamples: 10, slowSamples: 2 };
const quickBudget: MeasureBudget = { timeMs: 15, warmupMs: 5, minSamples: 5, slowSamples: 1 };

const fullSettings: Settings = {
  rangeSet: {
    sizes: [10, 1_000, 10_000, 100_000],
    scalingSizes: [10, 100, 1_000, 10_000, 100_000],
    compileSizes: [10_000, 100_000],
    rounds: 3,
    compileRepeats: 5,
    budget: fullBudget,
  },
  http: {
    rounds: 10,
    durationSeconds: 3,
    warmupSeconds: 3,
    signInSeconds: 5,
    connections: 10,
    signInConnections: 4,
    rangeCount: 100,
    budget: fullBudget,
  },
};

// The quick run keeps all four peer sizes, so that every target is still evaluated.
const quickSettings: Settings = {
  rangeSet: {
    sizes: [10, 1_000, 10_000, 100_000],
    scalingSizes: [10, 1_000, 100_000],
    compileSizes: [10_000],
    rounds: 1,
    compileRepeats: 2,
    budget: quickBudget,
  },
  http: {
    rounds: 4,
    durationSeconds: 1,
    warmupSeconds: 1,
    signInSeconds: 1.5,
    connections: 10,
    signInConnections: 4,
    rangeCount: 100,
    budget: quickBudget,
  },
};

const docsPath = resolve(import.meta.dirname, '../docs/benchmarks.md');

function parseOptions(): { quick: boolean; write: boolean } {
  try {
    const { values } = parseArgs({
      options: { quick: { type: 'boolean', default: false }, write: { type: 'boolean' }, 'no-write': { type: 'boolean', default: false } },
      strict: true,
    });
    const quick = values.quick === true;
    const write = values['no-write'] === true ? false : (values.write ?? !quick);
    return { quick, write };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nUsage: npm run bench -- [--quick] [--write | --no-write]\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const { quick, write } = parseOptions();
  const settings = quick ? quickSettings : fullSettings;
  const startedAt = new Date();
  const loadStart = os.loadavg()[0]!;
  const clock = performance.now();
  const progress = (line: string): void => {
    process.stderr.write(`[${((performance.now() - clock) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  };

  if ((globalThis as { gc?: unknown }).gc === undefined) {
    progress('memory is not measured: run node with --expose-gc, as `npm run bench` does');
  }
  const rangeSet = await runRangeSetBenchmarks({ ...settings.rangeSet, progress });
  const http = await runHttpBenchmarks({ ...settings.http, progress });

  const targets = evaluateTargets(rangeSet, http);
  const info = { mode: quick ? 'quick' : 'full', startedAt, wallSeconds: (performance.now() - clock) / 1000, loadStart, loadEnd: os.loadavg()[0]! } as const;
  const report = renderReport(info, rangeSet, http, targets);
  process.stdout.write(`${report}\n`);

  if (write) {
    await writeDocs(docsPath, report);
    progress(`wrote the results to ${docsPath}`);
  }
  const passed = targets.filter((result) => result.pass).length;
  progress(`${passed} of ${targets.length} targets pass; finished in ${info.wallSeconds.toFixed(0)} s`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
