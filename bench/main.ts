import { readdir, readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolveNatsServerBinary } from '../harness/backends/process/nats-binary.ts';
import { formatResult, type BenchResult } from './bench-result.ts';
import { benchContainerStartup } from './container-startup.ts';
import { benchKvRecording } from './kv-recording.ts';
import { benchLatencyAccuracy } from './latency-accuracy.ts';
import { benchPartitionVerify } from './partition-verify.ts';
import { benchProxyThroughput } from './proxy-throughput.ts';
import { benchStartup } from './startup.ts';

/**
 * `npm run bench`: measures the harness against baselines side by side in one run and writes
 * docs/benchmarks.md. Figures are ratios, so they mean something on another machine too.
 */
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
// Before any bench starts a server, so every nats-server seen belongs to something else.
const before = await otherLoad();
const results: BenchResult[] = [];
const only = process.argv.slice(2);
// A bench may give several results (one per configuration it measures).
const benches: [string, () => Promise<BenchResult | BenchResult[]>][] = [
  ['startup', () => benchStartup(rounds)],
  ['proxy-throughput', () => benchProxyThroughput(rounds)],
  ['latency-accuracy', () => benchLatencyAccuracy(rounds)],
  ['partition-verify', () => benchPartitionVerify(rounds)],
  ['kv-recording', () => benchKvRecording(rounds)],
  ['container-startup', () => benchContainerStartup(rounds)],
];

for (const [name, bench] of benches) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  results.push(...[await bench()].flat());
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
  `Other load when the run began: load average ${before.loadAverage} on ${cpus().length} cores, ` +
    `${before.natsServers} nats-server process(es) of other programs. Side-by-side rounds see ` +
    'the same load, so ratios survive it better than the absolute figures do.',
  '',
  ...results.map(formatResult),
].join('\n');
// A partial run (`npm run bench -- startup`) prints only: the document holds one whole run.
if (only.length === 0) {
  await writeFile(fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)), doc);
}
process.stdout.write(doc);

/** What else is running: the 1-minute load average and the nats-server processes on the machine. */
async function otherLoad(): Promise<{ loadAverage: string; natsServers: number }> {
  let natsServers = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0')[0]?.endsWith('nats-server')) natsServers++;
  }
  return { loadAverage: loadavg()[0]!.toFixed(2), natsServers };
}
