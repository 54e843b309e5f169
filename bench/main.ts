import { writeFile } from 'node:fs/promises';
import { arch, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolveNatsServerBinary } from '../harness/backends/process/nats-binary.ts';
import { formatResult, type BenchResult } from './bench-result.ts';
import { benchStartup } from './startup.ts';

/**
 * `npm run bench`: measures the harness against baselines side by side in one run and writes
 * docs/benchmarks.md. Figures are ratios, so they mean something on another machine too.
 */
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const results: BenchResult[] = [];
const only = process.argv.slice(2);
const benches: [string, () => Promise<BenchResult>][] = [['startup', () => benchStartup(rounds)]];

for (const [name, bench] of benches) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  results.push(await bench());
}

const doc = [
  '# Benchmarks',
  '',
  'Made by `npm run bench`; each figure is the harness beside a baseline measured in the same',
  'run, alternating, so the ratio holds across machines better than the absolute numbers.',
  '',
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? arch()}, ${Math.round(totalmem() / 2 ** 30)} GiB; ` +
    `nats-server ${resolveNatsServerBinary().version}; Node ${process.version}; ${rounds} rounds; ` +
    `${new Date().toISOString().slice(0, 10)}.`,
  '',
  ...results.map(formatResult),
].join('\n');
// A partial run (`npm run bench -- startup`) prints only: the document holds one whole run.
if (only.length === 0) {
  await writeFile(fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)), doc);
}
process.stdout.write(doc);
