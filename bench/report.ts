/**
 * Markdown tables, target checks and the generated part of
 * docs/benchmarks.md.
 */

import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { HttpResults, LoadResult } from './http.ts';
import type { FamilyMix } from './range-data.ts';
import type { InputForm, LookupScenario, MatcherResult, RangeSetResults, ScalingRow } from './range-set.ts';

export interface RunInfo {
  mode: 'full' | 'quick';
  startedAt: Date;
  wallSeconds: number;
  /** One-minute load averages at the start and the end of the run. */
  loadStart: number;
  loadEnd: number;
}

export interface TargetResult {
  pass: boolean;
  line: string;
}

export const GENERATED_BEGIN = '<!-- BEGIN GENERATED RESULTS: written by `npm run bench`; edits between these markers are overwritten. -->';
export const GENERATED_END = '<!-- END GENERATED RESULTS -->';

const mixNames: Record<FamilyMix, string> = { ipv4: 'IPv4', mixed: 'mixed IPv4/IPv6 (half each)' };

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Formats a rate with three significant digits and an SI suffix, such as 31.9 M. */
function formatRate(perSecond: number): string {
  const units: [number, string][] = [
    [1e9, ' G'],
    [1e6, ' M'],
    [1e3, ' k'],
  ];
  for (const [scale, suffix] of units) {
    if (perSecond >= scale) return `${(perSecond / scale).toPrecision(3)}${suffix}`;
  }
  return perSecond.toPrecision(3);
}

function formatRatio(ratio: number): string {
  if (ratio >= 100) return `${formatCount(Math.round(ratio))}×`;
  return `${ratio.toFixed(ratio >= 10 ? 0 : 2)}×`;
}

function formatNs(ns: number): string {
  return ns >= 1000 ? formatCount(Math.round(ns)) : ns.toFixed(1);
}

function formatPercent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function describeMachine(info: RunInfo): string {
  const cpus = os.cpus();
  return [
    `- Mode: ${info.mode}${info.mode === 'quick' ? ' (fewer rounds, shorter measurements and shorter load runs than the full run)' : ''}`,
    `- Date: ${info.startedAt.toISOString()}`,
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} logical cores`,
    `- Node.js ${process.version} on ${os.platform()} ${os.release()}`,
    `- Load average (1 min) at start and end: ${info.loadStart.toFixed(2)}, ${info.loadEnd.toFixed(2)}`,
    `- Wall time of the run: ${info.wallSeconds.toFixed(0)} s`,
  ].join('\n');
}

function lookupCell(result: MatcherResult | undefined, isGatehouse: boolean): string {
  if (result === undefined) return 'n/a (text only)';
  const rate = formatRate(1e9 / result.nsPerLookup);
  const mark = result.reduced ? ' †' : '';
  return isGatehouse ? `${rate}${mark}` : `${rate} (${formatRatio(result.ratioToGatehouse)})${mark}`;
}

function lookupTables(results: RangeSetResults): string {
  const sections: string[] = [];
  const names = results.matchers.map((matcher) => matcher.name);
  for (const mix of ['ipv4', 'mixed'] as const) {
    for (const input of ['text', 'parsed'] as InputForm[]) {
      const scenarios = results.lookups.filter((scenario) => scenario.mix === mix && scenario.input === input);
      if (scenarios.length === 0) continue;
      const rows = scenarios.map((scenario) => [
        formatCount(scenario.size),
        scenario.outcome === 'hit' ? 'hits' : 'misses',
        ...names.map((name, i) => lookupCell(scenario.results.get(name), i === 0)),
      ]);
      const inputText = input === 'text' ? 'addresses as strings' : 'addresses parsed beforehand';
      sections.push(`#### ${mixNames[mix]} ranges, ${inputText}\n\n${table(['ranges', 'addresses', ...names], rows)}`);
    }
  }
  const reduced = results.lookups.some((scenario) => [...scenario.results.values()].some((result) => result.reduced));
  const sources = results.matchers.map((matcher) => `- ${matcher.name}: ${matcher.source}`).join('\n');
  return [
    '### Range-set lookups',
    'Lookups per second (median of the per-sample medians over rounds) and, in brackets, how many times longer the peer takes per lookup than Gatehouse in the same round (median over rounds).',
    sources,
    ...sections,
    reduced
      ? '† Slow lookups, measured with fewer samples (as few as one sample of one lookup per round) to keep the run bounded.'
      : '',
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}

function scalingTables(rows: readonly ScalingRow[]): string {
  const sections: string[] = [];
  for (const mix of ['ipv4', 'mixed'] as const) {
    const mixRows = rows.filter((row) => row.mix === mix);
    if (mixRows.length === 0) continue;
    const body = mixRows.map((row) => [
      formatCount(row.size),
      formatNs(row.hitNs),
      formatNs(row.missNs),
      `${row.hitVs1000.toFixed(2)}×, ${row.missVs1000.toFixed(2)}×`,
      `${formatNs(row.parseHitNs)}, ${formatNs(row.parseMissNs)}`,
      formatNs(row.parseClientHitNs),
      `${row.hitVsParse.toFixed(2)}×, ${row.missVsParse.toFixed(2)}×`,
    ]);
    sections.push(
      `#### ${mixNames[mix]} ranges\n\n` +
        table(
          ['ranges', 'hit ns', 'miss ns', 'hit, miss vs 1,000 ranges', 'parse ns (hits, misses)', 'parseClientAddress ns', 'lookup / parse (hits, misses)'],
          body,
        ),
    );
  }
  return [
    '### Scaling of Gatehouse lookups (string input)',
    'Nanoseconds per `findText` lookup, median over rounds. Every size is measured once per round and compared with 1,000 ranges in that round. ' +
      '"parse" is the scanner that `findText` runs before its search, timed on the same strings. `parseClientAddress` also allocates the address object.',
    ...sections,
  ].join('\n\n');
}

function compileTable(results: RangeSetResults): string {
  const rows = results.compile.map((row) => {
    const per10k = 10_000 / row.size;
    const memory = (bytes: number | undefined): string => (bytes === undefined ? 'n/a (needs --expose-gc)' : formatCount(Math.round(bytes * per10k)));
    return [
      formatCount(row.size),
      mixNames[row.mix],
      formatCount(row.intervals),
      row.compileMs.toFixed(1),
      (row.compileMs * per10k).toFixed(1),
      (row.parseAndCompileMs * per10k).toFixed(1),
      memory(row.heapBytes),
      memory(row.arrayBufferBytes),
    ];
  });
  return [
    '### Compile time and memory',
    'Compile times are medians of several compiles. Memory is the growth of `process.memoryUsage()` after a full GC around compiling copies of the set, 1,000,000 ranges in all, divided by the number of copies. ' +
      '`heapUsed` counts the V8 heap, which contains the value array. `arrayBuffers` counts the typed arrays of interval bounds and the IPv4 bucket index, which are stored outside the V8 heap.',
    table(
      ['ranges', 'families', 'intervals', 'compile ms', 'compile ms per 10,000', 'parse + compile ms per 10,000', 'heap bytes per 10,000', 'typed-array bytes per 10,000'],
      rows,
    ),
  ].join('\n\n');
}

function formatCpu(result: LoadResult): string {
  return result.serverCpuMicros === undefined ? 'n/a' : result.serverCpuMicros.toFixed(1);
}

function loadRow(label: string, result: LoadResult): string[] {
  return [label, formatCount(Math.round(result.requestsPerSecond)), result.p50Ms.toFixed(2), result.p99Ms.toFixed(2), formatCount(Math.round(result.requests)), formatCpu(result)];
}

/** Per-round (off − on) / off of throughput, in round order. */
function roundLosses(http: HttpResults): number[] {
  return http.enforcementOn.map((on, round) => {
    const off = http.enforcementOff[round]!;
    return (off.requestsPerSecond - on.requestsPerSecond) / off.requestsPerSecond;
  });
}

function httpTables(http: HttpResults): string {
  const rounds = http.enforcementOn.length;
  const summary = table(
    ['request', 'requests/s', 'p50 ms', 'p99 ms', 'requests', 'server CPU µs per request'],
    [
      loadRow(`GET /api/v1/me, enforcement on (median of ${rounds})`, http.medianOn),
      loadRow(`GET /api/v1/me, enforcement off (median of ${rounds})`, http.medianOff),
      loadRow('POST /api/v1/sessions (sign-in)', http.signIn),
    ],
  );
  const losses = roundLosses(http);
  const perRound = table(
    ['round', 'on requests/s', 'off requests/s', '(off − on) / off', 'on CPU µs', 'off CPU µs'],
    http.enforcementOn.map((on, round) => {
      const off = http.enforcementOff[round]!;
      return [
        String(round + 1),
        formatCount(Math.round(on.requestsPerSecond)),
        formatCount(Math.round(off.requestsPerSecond)),
        formatPercent(losses[round]!),
        formatCpu(on),
        formatCpu(off),
      ];
    }),
  );
  const cpuOn = http.medianOn.serverCpuMicros;
  const cpuOff = http.medianOff.serverCpuMicros;
  const cpuText =
    cpuOn === undefined || cpuOff === undefined
      ? 'Server CPU time was not measured (it is read from /proc on Linux).'
      : `Server CPU per request (all threads, median): ${cpuOn.toFixed(1)} µs on, ${cpuOff.toFixed(1)} µs off, a difference of ${formatPercent((cpuOn - cpuOff) / cpuOff, 2)}.`;
  return [
    '### HTTP over loopback (autocannon)',
    `\`bin/gatehouse serve\` in its own process with \`LOG_LEVEL=silent\`, SQLite in a temporary folder, and an allowlist of ${http.rangeCount} ranges that contains 127.0.0.1. ` +
      `\`GET /api/v1/me\` runs with ${http.connections} connections for ${http.durationSeconds} s per measurement. Each round measures enforcement on and off back to back, in alternating order. ` +
      `Sign-in runs with ${http.signInConnections} connections, and the scrypt password hash is most of its cost. Latency percentiles are over all 2xx responses of a run.`,
    summary,
    perRound,
    `Enforcement overhead: ${formatPercent(http.overhead, 2)} as the median of the per-round values, and ${formatPercent(http.overheadOfMedians, 2)} from the medians of each mode. ` +
      `The check itself (decision and its log call over the same ${http.rangeCount} ranges, measured in process) takes ${formatNs(http.checkNs)} ns, ` +
      `${formatPercent(http.checkShare, 3)} of the ${formatNs(1e9 / http.medianOff.requestsPerSecond)} ns per request with enforcement off. ${cpuText}`,
  ].join('\n\n');
}

function findScenario(lookups: readonly LookupScenario[], size: number, mix: FamilyMix, outcome: 'hit' | 'miss'): LookupScenario | undefined {
  return lookups.find((scenario) => scenario.size === size && scenario.mix === mix && scenario.input === 'text' && scenario.outcome === outcome);
}

function target(pass: boolean, description: string, measured: string, goal: string): TargetResult {
  return { pass, line: `${pass ? 'PASS' : 'FAIL'}  ${description}: ${measured}; target ${goal}` };
}

/** Checks a peer ratio for hits and misses, both of which must reach `minimum`. */
function peerTarget(lookups: readonly LookupScenario[], peer: string, peerLabel: string, size: number, minimum: number): TargetResult {
  const description = `Gatehouse vs ${peerLabel}, ${formatCount(size)} IPv4 ranges, string input`;
  const ratios = (['hit', 'miss'] as const).map((outcome) => findScenario(lookups, size, 'ipv4', outcome)?.results.get(peer)?.ratioToGatehouse);
  if (ratios.some((ratio) => ratio === undefined)) return target(false, description, 'not measured in this run', `≥ ${minimum}×`);
  const [hit, miss] = ratios as [number, number];
  return target(Math.min(hit, miss) >= minimum, description, `${formatRatio(hit)} (hits), ${formatRatio(miss)} (misses)`, `≥ ${minimum}× for both`);
}

export function evaluateTargets(rangeSet: RangeSetResults, http: HttpResults): TargetResult[] {
  const results = [
    peerTarget(rangeSet.lookups, 'BlockList', 'net.BlockList', 10, 10),
    peerTarget(rangeSet.lookups, 'BlockList', 'net.BlockList', 10_000, 300),
    peerTarget(rangeSet.lookups, 'ipaddr.js', 'ipaddr.js', 10_000, 300),
  ];

  for (const mix of ['ipv4', 'mixed'] as const) {
    const rows = rangeSet.scaling.filter((row) => row.mix === mix);
    const largest = rows.find((row) => row.size === 100_000);
    const description = `Gatehouse lookup at 100,000 vs 1,000 ${mix === 'ipv4' ? 'IPv4' : 'mixed'} ranges, string input`;
    if (largest === undefined) {
      results.push(target(false, description, 'not measured in this run', '≤ 2×'));
    } else {
      const worst = Math.max(largest.hitVs1000, largest.missVs1000);
      results.push(target(worst <= 2, description, `${largest.hitVs1000.toFixed(2)}× (hits), ${largest.missVs1000.toFixed(2)}× (misses)`, '≤ 2× for both'));
    }
  }

  for (const mix of ['ipv4', 'mixed'] as const) {
    const rows = rangeSet.scaling.filter((row) => row.mix === mix);
    const worst = rows.reduce<ScalingRow | undefined>((found, row) => {
      const value = Math.max(row.hitVsParse, row.missVsParse);
      return found === undefined || value > Math.max(found.hitVsParse, found.missVsParse) ? row : found;
    }, undefined);
    const description = `Gatehouse lookup vs parse of the same ${mix === 'ipv4' ? 'IPv4' : 'mixed'} address strings, worst list size`;
    if (worst === undefined) {
      results.push(target(false, description, 'not measured in this run', '≤ 2×'));
    } else {
      const measured = `${worst.hitVsParse.toFixed(2)}× (hits), ${worst.missVsParse.toFixed(2)}× (misses) at ${formatCount(worst.size)} ranges`;
      results.push(target(Math.max(worst.hitVsParse, worst.missVsParse) <= 2, description, measured, '≤ 2× for both'));
    }
  }

  const losses = roundLosses(http);
  results.push(
    target(
      http.overhead <= 0.03,
      'Per-request enforcement, GET /api/v1/me throughput lost with enforcement on',
      `${formatPercent(http.overhead, 2)} (median of ${losses.length} paired rounds, which ranged from ` +
        `${formatPercent(Math.min(...losses))} to ${formatPercent(Math.max(...losses))})`,
      '≤ 3%',
    ),
  );
  return results;
}

/** Builds the generated report: machine, tables and target lines. */
export function renderReport(info: RunInfo, rangeSet: RangeSetResults, http: HttpResults, targets: readonly TargetResult[]): string {
  return [
    `## Results of the latest ${info.mode} run`,
    describeMachine(info),
    '### Targets',
    'Benchmarks, not tests: a FAIL does not fail the run.',
    ['```text', ...targets.map((result) => result.line), '```'].join('\n'),
    lookupTables(rangeSet),
    scalingTables(rangeSet.scaling),
    compileTable(rangeSet),
    httpTables(http),
  ].join('\n\n');
}

/**
 * Replaces the generated part of the docs page, between the markers, and
 * keeps the hand-written text around it. A page without markers gets the
 * generated part appended.
 */
export async function writeDocs(path: string, report: string): Promise<void> {
  let page = '';
  try {
    page = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = `${GENERATED_BEGIN}\n\n${report}\n\n${GENERATED_END}`;
  const begin = page.indexOf(GENERATED_BEGIN);
  const end = page.indexOf(GENERATED_END);
  const updated =
    begin >= 0 && end > begin
      ? `${page.slice(0, begin)}${generated}${page.slice(end + GENERATED_END.length)}`
      : `${page.trimEnd()}${page === '' ? '' : '\n\n'}${generated}\n`;
  await writeFile(path, updated);
}
