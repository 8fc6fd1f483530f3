/**
 * Range-set benchmarks: lookups against peer matchers, lookup time as the
 * list grows, and compile time and memory.
 *
 * Peers are measured side by side with Gatehouse: each round measures
 * Gatehouse and then every peer on the same ranges and addresses, a ratio is
 * taken per round, and the report shows the median over rounds. Drift of the
 * machine between scenarios then moves both sides of a ratio together.
 */

import { formatAddress, IpRangeSet, parseAddress, parseClientAddress, type RangeSetEntry } from '../src/ip/index.ts';
import { scanAddressText } from '../src/ip/address.ts';
import { allMatchers, gatehouseMatcher, type LookupCounter, type Matcher } from './matchers.ts';
import { measureCounter, median, type MeasureBudget } from './measure.ts';
import { generateQueries, generateRanges, type BenchQueries, type BenchRange, type FamilyMix } from './range-data.ts';

export type InputForm = 'text' | 'parsed';
export type Outcome = 'hit' | 'miss';

export const familyMixes: readonly FamilyMix[] = ['ipv4', 'mixed'];
const inputForms: readonly InputForm[] = ['text', 'parsed'];
const outcomes: readonly Outcome[] = ['hit', 'miss'];

/** One matcher's result in one scenario. */
export interface MatcherResult {
  /** Median over rounds of the median time per lookup, in nanoseconds. */
  nsPerLookup: number;
  /** Median over rounds of this matcher's time divided by Gatehouse's time in the same round. */
  ratioToGatehouse: number;
  /** Smallest number of samples in any round. */
  samples: number;
  /** True when slowness cut the samples below the normal minimum. */
  reduced: boolean;
}

export interface LookupScenario {
  size: number;
  mix: FamilyMix;
  input: InputForm;
  outcome: Outcome;
  /** Results by matcher name. A missing name means that the matcher takes text only. */
  results: Map<string, MatcherResult>;
}

export interface ScalingRow {
  size: number;
  mix: FamilyMix;
  /** Median nanoseconds per lookup, text input. */
  hitNs: number;
  missNs: number;
  /** Median nanoseconds to parse the same hit and miss strings with the scanner that `findText` runs. */
  parseHitNs: number;
  parseMissNs: number;
  /** Median nanoseconds of `parseClientAddress` on the hit strings, which also allocates the address. */
  parseClientHitNs: number;
  /** Median over rounds of lookup time at this size divided by lookup time at 1,000 ranges in the same round. */
  hitVs1000: number;
  missVs1000: number;
  /** Median over rounds of lookup time divided by parse time in the same round. */
  hitVsParse: number;
  missVsParse: number;
}

export interface CompileRow {
  size: number;
  mix: FamilyMix;
  intervals: number;
  /** Median milliseconds of `IpRangeSet.compile` on parsed entries. */
  compileMs: number;
  /** Median milliseconds to parse the stored start and end texts and compile, as the allowlist cache does. */
  parseAndCompileMs: number;
  /** Growth of `heapUsed` per compiled set after a full GC, in bytes, or undefined without `--expose-gc`. */
  heapBytes: number | undefined;
  /** Growth of `arrayBuffers` (typed-array storage outside the V8 heap) per compiled set after a full GC, in bytes. */
  arrayBufferBytes: number | undefined;
}

export interface RangeSetOptions {
  /** List sizes for the peer comparison. */
  sizes: readonly number[];
  /** List sizes for the Gatehouse-only scaling measurement, including 1,000 as the base of the growth ratio. */
  scalingSizes: readonly number[];
  /** List sizes for compile time and memory. */
  compileSizes: readonly number[];
  rounds: number;
  compileRepeats: number;
  budget: MeasureBudget;
  progress: (line: string) => void;
}

export interface RangeSetResults {
  matchers: readonly Matcher[];
  lookups: LookupScenario[];
  scaling: ScalingRow[];
  compile: CompileRow[];
}

/** Seeds for ranges and queries. Any fixed values make runs repeatable. */
const RANGE_SEED = 20_240_601;
const QUERY_SEED = 7_919;

function seedFor(size: number, mix: FamilyMix): number {
  return RANGE_SEED + size * 2 + (mix === 'mixed' ? 1 : 0);
}

interface PreparedMatcher {
  matcher: Matcher;
  counters: Map<string, LookupCounter>;
}

function scenarioKey(input: InputForm, outcome: Outcome): string {
  return `${input}/${outcome}`;
}

function prepareMatchers(ranges: readonly BenchRange[], queries: BenchQueries): PreparedMatcher[] {
  return allMatchers.map((matcher) => {
    const built = matcher.build(ranges);
    const counters = new Map<string, LookupCounter>();
    for (const outcome of outcomes) {
      const list = outcome === 'hit' ? queries.hits : queries.misses;
      counters.set(scenarioKey('text', outcome), built.text(list));
      const parsed = built.parsed?.(list);
      if (parsed !== undefined) counters.set(scenarioKey('parsed', outcome), parsed);
    }
    return { matcher, counters };
  });
}

function describeScenario(size: number, mix: FamilyMix, input: InputForm, outcome: Outcome): string {
  return `${size.toLocaleString('en-US')} ${mix} ranges, ${input} input, ${outcome === "hit" ? "hits" : "misses"}`;
}

/** Measures Gatehouse and every peer in every scenario, round by round. */
async function measureLookups(options: RangeSetOptions): Promise<LookupScenario[]> {
  const scenarios: LookupScenario[] = [];
  for (const size of options.sizes) {
    for (const mix of familyMixes) {
      const ranges = generateRanges(size, mix, seedFor(size, mix));
      const queries = generateQueries(ranges, mix, QUERY_SEED + size);
      const prepared = prepareMatchers(ranges, queries);

      for (const input of inputForms) {
        for (const outcome of outcomes) {
          const label = describeScenario(size, mix, input, outcome);
          options.progress(`lookups: ${label}`);
          const key = scenarioKey(input, outcome);
          const perRound = new Map<string, { ns: number[]; ratios: number[]; samples: number[]; reduced: boolean }>();

          for (let round = 0; round < options.rounds; round++) {
            let gatehouseNs = Number.NaN;
            for (const { matcher, counters } of prepared) {
              const counter = counters.get(key);
              if (counter === undefined) continue;
              const measured = await measureCounter(`${matcher.name}, ${label}`, counter, outcome === 'hit' ? 1 : 0, options.budget);
              if (matcher === gatehouseMatcher) gatehouseNs = measured.nsPerLookup;
              const entry = perRound.get(matcher.name) ?? { ns: [], ratios: [], samples: [], reduced: false };
              entry.ns.push(measured.nsPerLookup);
              entry.ratios.push(measured.nsPerLookup / gatehouseNs);
              entry.samples.push(measured.samples);
              entry.reduced ||= measured.reduced;
              perRound.set(matcher.name, entry);
            }
          }

          const results = new Map<string, MatcherResult>();
          for (const [name, entry] of perRound) {
            results.set(name, {
              nsPerLookup: median(entry.ns),
              ratioToGatehouse: median(entry.ratios),
              samples: Math.min(...entry.samples),
              reduced: entry.reduced,
            });
          }
          scenarios.push({ size, mix, input, outcome, results });
        }
      }
    }
  }
  return scenarios;
}

function scanCounter(queries: readonly string[]): LookupCounter {
  return (start, count) => {
    let valid = 0;
    for (let i = start; i < start + count; i++) {
      const text = queries[i]!;
      if (scanAddressText(text, 0, text.length, true) !== -1) valid++;
    }
    return valid;
  };
}

function parseClientCounter(queries: readonly string[]): LookupCounter {
  return (start, count) => {
    let valid = 0;
    for (let i = start; i < start + count; i++) {
      if (parseClientAddress(queries[i]!) !== undefined) valid++;
    }
    return valid;
  };
}

interface ScalingCounters {
  hit: LookupCounter;
  miss: LookupCounter;
  parseHit: LookupCounter;
  parseMiss: LookupCounter;
  parseClientHit: LookupCounter;
}

/**
 * Measures Gatehouse alone as the list grows, with every size measured once
 * per round so that sizes are compared within a round. The parse of the same
 * strings is measured in the same round, as the baseline of a lookup.
 */
async function measureScaling(options: RangeSetOptions): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const mix of familyMixes) {
    options.progress(`scaling: ${mix} ranges, ${options.scalingSizes.map((size) => size.toLocaleString('en-US')).join(', ')}`);
    const countersBySize = new Map<number, ScalingCounters>();
    for (const size of options.scalingSizes) {
      const ranges = generateRanges(size, mix, seedFor(size, mix));
      const queries = generateQueries(ranges, mix, QUERY_SEED + size);
      const built = gatehouseMatcher.build(ranges);
      countersBySize.set(size, {
        hit: built.text(queries.hits),
        miss: built.text(queries.misses),
        parseHit: scanCounter(queries.hits),
        parseMiss: scanCounter(queries.misses),
        parseClientHit: parseClientCounter(queries.hits),
      });
    }

    type Series = Record<keyof ScalingCounters, number[]>;
    const series = new Map<number, Series>();
    const vs1000 = new Map<number, { hit: number[]; miss: number[] }>();
    const vsParse = new Map<number, { hit: number[]; miss: number[] }>();

    for (let round = 0; round < options.rounds; round++) {
      const roundNs = new Map<number, Record<keyof ScalingCounters, number>>();
      for (const [size, counters] of countersBySize) {
        const label = `Gatehouse scaling, ${size.toLocaleString('en-US')} ${mix} ranges`;
        const measured = {
          hit: (await measureCounter(`${label}, hits`, counters.hit, 1, options.budget)).nsPerLookup,
          miss: (await measureCounter(`${label}, misses`, counters.miss, 0, options.budget)).nsPerLookup,
          parseHit: (await measureCounter(`${label}, parse of hits`, counters.parseHit, 1, options.budget)).nsPerLookup,
          parseMiss: (await measureCounter(`${label}, parse of misses`, counters.parseMiss, 1, options.budget)).nsPerLookup,
          parseClientHit: (await measureCounter(`${label}, parseClientAddress of hits`, counters.parseClientHit, 1, options.budget)).nsPerLookup,
        };
        roundNs.set(size, measured);
        const entry = series.get(size) ?? { hit: [], miss: [], parseHit: [], parseMiss: [], parseClientHit: [] };
        for (const key of Object.keys(measured) as (keyof ScalingCounters)[]) entry[key].push(measured[key]);
        series.set(size, entry);
        const parseRatios = vsParse.get(size) ?? { hit: [], miss: [] };
        parseRatios.hit.push(measured.hit / measured.parseHit);
        parseRatios.miss.push(measured.miss / measured.parseMiss);
        vsParse.set(size, parseRatios);
      }
      const base = roundNs.get(1000);
      if (base === undefined) throw new Error('The scaling sizes must include 1,000 ranges, the base of the growth ratio.');
      for (const [size, measured] of roundNs) {
        const ratios = vs1000.get(size) ?? { hit: [], miss: [] };
        ratios.hit.push(measured.hit / base.hit);
        ratios.miss.push(measured.miss / base.miss);
        vs1000.set(size, ratios);
      }
    }

    for (const size of options.scalingSizes) {
      const entry = series.get(size)!;
      rows.push({
        size,
        mix,
        hitNs: median(entry.hit),
        missNs: median(entry.miss),
        parseHitNs: median(entry.parseHit),
        parseMissNs: median(entry.parseMiss),
        parseClientHitNs: median(entry.parseClientHit),
        hitVs1000: median(vs1000.get(size)!.hit),
        missVs1000: median(vs1000.get(size)!.miss),
        hitVsParse: median(vsParse.get(size)!.hit),
        missVsParse: median(vsParse.get(size)!.miss),
      });
    }
  }
  return rows;
}

/** Ranges compiled, over all copies, for one memory measurement. */
const MEMORY_SAMPLE_RANGES = 1_000_000;

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/**
 * Runs full GCs until garbage from earlier work is gone. Typed-array storage
 * is released after the GC that finds it dead, so a turn of the event loop
 * separates two collections.
 */
async function collectGarbage(collect: () => void): Promise<void> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolvePromise) => setImmediate(resolvePromise));
  }
}

/**
 * Returns the memory that one compiled set keeps, averaged over copies.
 * This is a function of its own because an async function keeps its locals
 * alive across `await`, so the sets of an earlier measurement in a loop
 * would still count as live.
 */
async function measureMemory(
  collect: () => void,
  entries: readonly RangeSetEntry<number>[],
  intervals: number,
): Promise<{ heapBytes: number; arrayBufferBytes: number }> {
  // Keeping many sets alive makes the growth large against the heap's own noise of a few hundred kB.
  const copies = Math.max(1, Math.round(MEMORY_SAMPLE_RANGES / entries.length));
  await collectGarbage(collect);
  const before = process.memoryUsage();
  const sets = Array.from({ length: copies }, () => IpRangeSet.compile(entries));
  await collectGarbage(collect);
  const after = process.memoryUsage();
  // Reading the sets after the second measurement keeps them alive through it.
  if (sets.some((set) => set.intervalCount !== intervals)) throw new Error('Compiling the same ranges twice gave different intervals.');
  return { heapBytes: (after.heapUsed - before.heapUsed) / copies, arrayBufferBytes: (after.arrayBuffers - before.arrayBuffers) / copies };
}

/** Measures compile time and the memory a compiled set keeps, per family mix and size. */
async function measureCompile(options: RangeSetOptions): Promise<CompileRow[]> {
  const rows: CompileRow[] = [];
  for (const mix of familyMixes) {
    for (const size of options.compileSizes) {
      options.progress(`compile: ${size.toLocaleString('en-US')} ${mix} ranges`);
      const ranges = generateRanges(size, mix, seedFor(size, mix));
      const entries: RangeSetEntry<number>[] = ranges.map((entry, index) => ({ ...entry.range, value: index }));
      // The allowlist cache compiles from stored canonical text, as here.
      const stored = ranges.map((entry, index) => ({ start: formatAddress(entry.range.start), end: formatAddress(entry.range.end), value: index }));

      const compileTimes: number[] = [];
      const parseAndCompileTimes: number[] = [];
      let intervals = 0;
      for (let repeat = 0; repeat < options.compileRepeats; repeat++) {
        let startedAt = performance.now();
        intervals = IpRangeSet.compile(entries).intervalCount;
        compileTimes.push(performance.now() - startedAt);

        startedAt = performance.now();
        IpRangeSet.compile(stored.map((row) => ({ start: parseAddress(row.start), end: parseAddress(row.end), value: row.value })));
        parseAndCompileTimes.push(performance.now() - startedAt);
      }

      const memory = gc === undefined ? undefined : await measureMemory(gc, entries, intervals);

      rows.push({
        size,
        mix,
        intervals,
        compileMs: median(compileTimes),
        parseAndCompileMs: median(parseAndCompileTimes),
        heapBytes: memory?.heapBytes,
        arrayBufferBytes: memory?.arrayBufferBytes,
      });
    }
  }
  return rows;
}

export async function runRangeSetBenchmarks(options: RangeSetOptions): Promise<RangeSetResults> {
  const lookups = await measureLookups(options);
  const scaling = await measureScaling(options);
  const compile = await measureCompile(options);
  return { matchers: allMatchers, lookups, scaling, compile };
}
