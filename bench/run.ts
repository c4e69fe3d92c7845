// `npm run bench [-- --only SECTION,... --runs N]`: a benchmark, not a test (nothing fails on a
// number). Each figure is the median of its runs with a ratio to a baseline measured in the same
// run; the results go to bench/results/ as JSON, a markdown table and an SVG failover timeline.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE, type Section } from './lib/args.js';
import { ensureInotifyInstances, missingPrerequisites } from './lib/prereq.js';
import { renderMarkdown } from './lib/report.js';
import type { BenchResults } from './lib/results.js';
import { renderTimelineSvg } from './lib/svg.js';
import { benchProvisioning } from './provisioning.js';
import { benchStack } from './stack.js';
import { benchStartup } from './startup.js';

const RESULTS = new URL('results/', import.meta.url);
const STACK_SECTIONS: Section[] = ['provisioning', 'failover', 'dns', 'footprint', 'hop'];
/** Start-up times vary by a few ms from run to run: a median of this many. */
const STARTUP_RUNS = 21;

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

/** The TLS handshake micro-benchmark keeps its own output; it runs as its own process. */
function runHandshake(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('pki-handshake.ts', import.meta.url))],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pki-handshake exited ${code}`))));
  });
}

async function writeResults(results: BenchResults): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  // Figures in section order, whichever lab finished first.
  const order = (f: { section: string }) => results.sections.indexOf(f.section as Section);
  const sorted = { ...results, figures: [...results.figures].sort((a, b) => order(a) - order(b)) };
  await writeFile(new URL('latest.json', RESULTS), `${JSON.stringify(sorted, null, 2)}\n`);
  await writeFile(new URL('latest.md', RESULTS), renderMarkdown(sorted));
  if (results.timeline.length > 0)
    await writeFile(
      new URL('failover-timeline.svg', RESULTS),
      renderTimelineSvg(
        results.timeline,
        'Failover under load: each dot a request (red: failed), one cycle per variant',
      ),
    );
}

function machine(): BenchResults['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    note: process.env.BENCH_MACHINE_NOTE ?? '',
  };
}

/** Runs one part; a part that fails says so at once and the next one still runs. */
async function part(work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return 0;
  } catch (err) {
    log(`a part failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

/**
 * The two labs one after the other: side by side, each slowed the other's figures (a one-host
 * run is mostly start-up; the daemon's footprint and the hop are timings), and thirty hosts
 * booting once made the steering drain the stack lab's WANs. Resolves to the number of parts
 * that failed.
 */
async function runLabs(
  run: Section[],
  args: ReturnType<typeof parseBenchArgs>,
  results: BenchResults,
  save: () => Promise<void>,
): Promise<number> {
  let failures = 0;
  if (run.includes('provisioning'))
    failures += await part(() =>
      benchProvisioning(args.runs, log, async (figures) => {
        results.figures.push(...figures);
        await save();
      }),
    );
  if (run.some((s) => STACK_SECTIONS.includes(s)))
    failures += await part(() =>
      benchStack(run, args, log, async (figures, timeline = []) => {
        results.figures.push(...figures);
        results.timeline.push(...timeline);
        await save();
      }),
    );
  return failures;
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = Date.now();
  const missing = await missingPrerequisites(args.sections);
  const skipped = [...missing].map(([section, what]) => ({ section, why: `missing ${what.join('; ')}` }));
  for (const s of skipped) log(`${s.section} skipped: ${s.why}`);
  const run = args.sections.filter((s) => !missing.has(s));
  if (run.includes('provisioning')) {
    const inotify = await ensureInotifyInstances();
    if (inotify) log(inotify);
  }
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationS: 0,
    machine: machine(),
    runs: args.runs,
    sections: args.sections,
    figures: [],
    skipped,
    timeline: [],
  };
  // Written again as each part ends, so a bench cut short still leaves what it measured.
  const save = async (): Promise<void> => {
    results.durationS = Math.round((Date.now() - started) / 1000);
    await writeResults(results);
  };
  // First, while no lab loads the machine: a short command is mostly start-up.
  if (run.includes('startup')) {
    results.figures.push(...(await benchStartup(Math.max(STARTUP_RUNS, args.runs))));
    await save();
  }
  const failures = await runLabs(run, args, results, save);
  if (run.includes('handshake')) await runHandshake();
  await save();
  process.stdout.write(renderMarkdown(results));
  log(`done in ${(results.durationS / 60).toFixed(1)} min; bench/results/latest.md`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
