import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type KV } from 'nats';
import { createUser } from 'nkeys.js';
import { pace } from '../harness/agent/pace.ts';
import { ReferenceAgent } from '../harness/agent/reference-agent.ts';
import { HistoryRecorder } from '../harness/history/recorder.ts';
import type { CompletionRecord, InvokeRecord } from '../harness/history/types.ts';
import { DEFAULT_KEYS } from '../harness/scenario/scenario-context.ts';
import { SeededRandom } from '../harness/seeded-random.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { pollUntil } from '../harness/wait.ts';
import { median, type BenchResult } from './bench-result.ts';
import { startLoopbackNatsServer } from './loopback-nats-server.ts';

/** Operations per sample: a few seconds for each series, long against scheduling noise. */
const OPERATIONS = 5000;
/** Samples of each series per round; single samples scatter on a busy 2-core machine. */
const SETS_PER_ROUND = 2;
/** The agent's default share of writes (`ReferenceAgent` uses 0.6 when given none). */
const WRITE_RATIO = 0.6;
/**
 * The pace handed to the agent: at 0 its loop only yields to the event loop after every
 * operation (`pace` in harness/agent/pace.ts); the `paced` baseline yields the same way.
 */
const PACE_MS = 0;

type Series = 'agent' | 'plain' | 'paced';
/** Rotated per set, so each series goes first, second and third equally often. */
const ORDERS: Series[][] = [
  ['agent', 'plain', 'paced'],
  ['plain', 'paced', 'agent'],
  ['paced', 'agent', 'plain'],
];

interface Setup {
  hostPort: string;
  bucket: string;
  requestTimeoutMs: number;
  ignoreAuthErrorAbort: boolean;
  seedFile: string;
  dir: string;
}

/**
 * KV operations per second of a `ReferenceAgent` (paceMs 0, no watch), which records every
 * put and get's invoke and completion through `HistoryRecorder` into a history.jsonl, against
 * the same put/get sequence from a plain nats.js loop that records nothing, on the same R=1
 * bucket of one local nats-server with JetStream. A third series is that plain loop with the
 * agent's yield between operations, so recording and pacing can be told apart.
 */
export async function benchKvRecording(rounds: number): Promise<BenchResult[]> {
  const { deployment } = await loadDeployment('harmony');
  await using server = await startLoopbackNatsServer({ jetStream: true });
  const dir = await mkdtemp(join(tmpdir(), 'nats-chaos-bench-kv-'));
  try {
    // The server has no auth, so nothing checks this key, but the agent only connects with a seed.
    const seedFile = join(dir, 'agent.nk');
    await writeFile(seedFile, new TextDecoder().decode(createUser().getSeed()) + '\n', {
      mode: 0o600,
    });
    const setup: Setup = {
      hostPort: server.hostPort,
      bucket: deployment.bucket.name,
      requestTimeoutMs: deployment.client.requestTimeoutMs,
      ignoreAuthErrorAbort: deployment.client.ignoreAuthErrorAbort,
      seedFile,
      dir,
    };
    const admin = await connect({ servers: server.hostPort, name: 'bench-kv-admin' });
    await admin
      .jetstream()
      .views.kv(setup.bucket, { replicas: 1, history: deployment.bucket.history });
    await admin.close();

    // One untimed pass each, so every path is JIT-compiled and the bucket holds every key.
    for (const series of ORDERS[0]!) await sample(series, setup, 0, OPERATIONS / 4);
    const samples: Record<Series, number[]> = { agent: [], plain: [], paced: [] };
    const bytesPerOp: number[] = [];
    for (let set = 0; set < rounds * SETS_PER_ROUND; set++) {
      for (const series of ORDERS[set % ORDERS.length]!) {
        const result = await sample(series, setup, set + 1, OPERATIONS);
        samples[series].push(result.opsPerSecond);
        if (result.historyBytes) bytesPerOp.push(result.historyBytes / OPERATIONS);
      }
    }
    return describe(samples, bytesPerOp);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs one series for `count` operations; the seed fixes its sequence of keys, puts and gets. */
async function sample(
  series: Series,
  setup: Setup,
  seed: number,
  count: number,
): Promise<{ opsPerSecond: number; historyBytes?: number }> {
  if (series === 'agent') return agentSample(setup, seed, count);
  const nc = await connect({ servers: setup.hostPort, name: `bench-kv-${series}` });
  try {
    const js = nc.jetstream({ timeout: setup.requestTimeoutMs });
    const kv = await js.views.kv(setup.bucket, { bindOnly: true });
    return { opsPerSecond: await plainLoop(kv, seed, count, series === 'paced') };
  } finally {
    await nc.close();
  }
}

/**
 * The agent's loop without its recording: the same draws from the same seeded random in the
 * same order (key, then write or read), the same values and calls. `paced` adds its yield.
 */
async function plainLoop(kv: KV, seed: number, count: number, paced: boolean): Promise<number> {
  const random = new SeededRandom(seed);
  const started = performance.now();
  for (let n = 1; n <= count; n++) {
    const key = random.pick(DEFAULT_KEYS);
    if (random.float() < WRITE_RATIO) {
      await kv.put(key, `plain-1:${n}`);
    } else {
      const entry = await kv.get(key);
      if (entry && entry.operation === 'PUT') entry.string();
    }
    if (paced) await pace(PACE_MS);
  }
  return count / ((performance.now() - started) / 1000);
}

/**
 * A fresh agent with a fresh recorder writing history.jsonl, stopped once `count` puts and gets
 * have completed. Timed on the history's own clock: from the first put or get's invoke to the
 * `count`-th completion, so connecting, opening the bucket and stopping are outside the window.
 */
async function agentSample(
  setup: Setup,
  seed: number,
  count: number,
): Promise<{ opsPerSecond: number; historyBytes: number }> {
  const history = join(setup.dir, 'history.jsonl');
  const recorder = new HistoryRecorder(
    {
      runId: 'bench-kv-recording',
      scenario: 'bench-kv-recording',
      deployment: 'harmony',
      backend: 'process',
      seed,
      startedAt: new Date().toISOString(),
    },
    { history, faults: join(setup.dir, 'faults.jsonl') },
  );
  const agent = new ReferenceAgent({
    id: 'agent-1',
    client: {
      servers: [setup.hostPort],
      seedFile: setup.seedFile,
      ignoreAuthErrorAbort: setup.ignoreAuthErrorAbort,
    },
    bucket: setup.bucket,
    requestTimeoutMs: setup.requestTimeoutMs,
    keys: DEFAULT_KEYS,
    writeRatio: WRITE_RATIO,
    paceMs: PACE_MS,
    watch: false,
    random: new SeededRandom(seed),
    recorder,
  });
  try {
    await agent.start();
    if (agent.progress.startFailed) throw new Error('kv-recording: the agent could not start');
    // progress counts connect and open-bucket too: two operations before the workload.
    await pollUntil(
      async () => (agent.progress.ok + agent.progress.failed - 2 >= count ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 20, condition: `agent completed ${count} operations` },
    );
  } finally {
    await agent.stop();
    recorder.close();
  }

  const workload = recorder.records.filter(
    (r): r is InvokeRecord | CompletionRecord => 'op' in r && (r.op === 'put' || r.op === 'get'),
  );
  const completions = workload.filter((r) => r.type !== 'invoke').slice(0, count);
  const failed = completions.find((r) => r.type !== 'ok');
  if (failed) throw new Error(`kv-recording: agent ${failed.op} completed ${failed.type}`);
  const seconds = (completions[count - 1]!.time - workload[0]!.time) / 1000;
  return { opsPerSecond: count / seconds, historyBytes: (await stat(history)).size };
}

function describe(samples: Record<Series, number[]>, bytesPerOp: number[]): BenchResult[] {
  const perOpUs = (opsPerSecond: number[]) => 1e6 / median(opsPerSecond);
  const yieldUs = perOpUs(samples.paced) - perOpUs(samples.plain);
  const recordingUs = perOpUs(samples.agent) - perOpUs(samples.paced);
  const setRatios = samples.agent.map((a, i) => a / samples.paced[i]!);
  const measured =
    `Measured: ${OPERATIONS} operations per sample (${WRITE_RATIO * 100}% puts, the rest ` +
    `gets, on ${DEFAULT_KEYS.length} keys, the same seeded sequence for every series of a set), ` +
    `${SETS_PER_ROUND} sets per round, the order of the three series rotated per set; one ` +
    `nats-server with JetStream on loopback, no auth, the bucket at R=1 and history 5. Each ` +
    `sample opens its own connection, untimed; the agent's window is read from its history.`;
  const subject = '`ReferenceAgent` (paceMs 0, no watch), recording to history.jsonl';
  return [
    {
      title: 'KV recording: the reference agent against a plain nats.js loop',
      subject,
      baseline: 'plain nats.js loop, the same puts and gets, no recording, no pause',
      unit: 'ops/s',
      subjectSamples: samples.agent,
      baselineSamples: samples.plain,
      lowerIsBetter: false,
      notes: [
        measured,
        `The agent's loop yields to the event loop after every operation (\`setImmediate\` ` +
          `at paceMs 0), so watch deliveries and a stop get their turn; the plain loop does ` +
          `not. From the medians, that yield costs ${yieldUs.toFixed(0)} µs per operation ` +
          `and recording ${recordingUs.toFixed(0)} µs (next figure).`,
      ],
    },
    {
      title: 'KV recording: the reference agent against the same paced loop without recording',
      subject,
      baseline: 'plain nats.js loop, the same puts and gets and the same yield',
      unit: 'ops/s',
      subjectSamples: samples.agent,
      baselineSamples: samples.paced,
      lowerIsBetter: false,
      notes: [
        `The same agent samples as above, beside a baseline that differs from the agent's ` +
          `loop only by not recording, so this ratio is the price of recording: per ` +
          `operation an invoke and a completion record (the server, the value, the revision), ` +
          `each written at once with a synchronous write, a median ` +
          `${median(bytesPerOp).toFixed(0)} bytes of history.jsonl per operation.`,
        `Tolerance: the ratio of each set's agent and paced samples ranged from ` +
          `${Math.min(...setRatios).toFixed(2)} to ${Math.max(...setRatios).toFixed(2)}. The ` +
          `yield, the same in both, dilutes the ratio: in a loop without it, recording's ` +
          `${recordingUs.toFixed(0)} µs would weigh against ` +
          `${perOpUs(samples.plain).toFixed(0)} ` +
          `µs per operation instead of ${perOpUs(samples.paced).toFixed(0)} µs.`,
      ],
    },
  ];
}
