import { connect, type NatsConnection } from 'nats';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startToxiproxyServer } from '../harness/faults/toxiproxy/index.ts';
import { median, type BenchResult } from './bench-result.ts';
import { startLoopbackNatsServer } from './loopback-nats-server.ts';

/**
 * 64 KiB messages: large enough that the proxy's per-byte path shows, rather than nats.js's
 * per-message cost, which direct and proxied traffic share.
 */
const MESSAGE_BYTES = 64 * 1024;
/** 64 MiB per sample: a few hundred ms, long against timer and scheduling noise. */
const MESSAGES = 1024;
/**
 * Samples of each path per round. The figure is bound by the two clients' CPU on a 2-core
 * machine, so single samples scatter; many short ones, interleaved, give a steadier median.
 */
const PAIRS_PER_ROUND = 3;
/**
 * Messages the publisher may be ahead of the subscriber (8 MiB). nats.js publishes without
 * back-pressure; without a window it would buffer the whole sample and nats-server would drop
 * the subscriber as a slow consumer (64 MiB pending) on the slower path.
 */
const WINDOW = 128;
/** A sample that takes longer than this is broken, not slow. */
const SAMPLE_TIMEOUT_MS = 60_000;

/**
 * MiB/s of NATS messages through one proxy of the project's Toxiproxy-compatible server,
 * against the same traffic straight to the same nats-server. Publisher and subscriber both
 * connect through the proxy, as every client link of a proxied supercluster does, so each byte
 * crosses it twice. The proxy runs in this process, as the harness runs it (ProxyMesh), so it
 * shares one event loop with the two clients; that is part of what is measured.
 */
export async function benchProxyThroughput(rounds: number): Promise<BenchResult> {
  await using server = await startLoopbackNatsServer();
  await using toxiproxy = await startToxiproxyServer({ port: 0 });
  const proxy = await new Toxiproxy(toxiproxy.url).createProxy({
    name: 'bench-throughput',
    listen: '127.0.0.1:0',
    upstream: server.hostPort,
  });
  const proxied: number[] = [];
  const direct: number[] = [];
  const cpu = { proxied: [] as number[], direct: [] as number[] };
  const sample = async (path: 'proxied' | 'direct') => {
    const result = await transfer(path === 'proxied' ? proxy.listen : server.hostPort, MESSAGES);
    (path === 'proxied' ? proxied : direct).push(result.mibPerSecond);
    cpu[path].push(result.cpuPercent);
  };

  // One untimed pass each, so both paths are JIT-compiled before the first sample.
  await transfer(server.hostPort, MESSAGES / 4);
  await transfer(proxy.listen, MESSAGES / 4);
  for (let round = 0; round < rounds; round++) {
    for (let pair = 0; pair < PAIRS_PER_ROUND; pair++) {
      // Alternate which goes first, so neither always runs on a warmer or a quieter machine.
      const proxiedFirst = (round * PAIRS_PER_ROUND + pair) % 2 === 1;
      for (const path of proxiedFirst ? PROXIED_FIRST : DIRECT_FIRST) await sample(path);
    }
  }
  await proxy.remove();

  // Each pair ran back to back, so its ratio shows how far one sample of the figure can stray.
  const pairRatios = proxied.map((p, i) => p / direct[i]!);
  const percent = (samples: number[]) => `${median(samples).toFixed(0)}%`;
  return {
    title: 'Proxy throughput: NATS pub/sub through one proxy (64 KiB messages)',
    subject: 'through one proxy of the built-in Toxiproxy server, no toxics',
    baseline: 'direct to the same nats-server',
    unit: 'MiB/s',
    subjectSamples: proxied,
    baselineSamples: direct,
    lowerIsBetter: false,
    notes: [
      `Measured: per sample ${MESSAGES} messages of ${MESSAGE_BYTES / 1024} KiB ` +
        `(${(MESSAGES * MESSAGE_BYTES) / 2 ** 20} MiB), ${PAIRS_PER_ROUND} samples of each path ` +
        `per round, from a nats.js publisher to a nats.js subscriber on one local nats-server, ` +
        `at most ${WINDOW} messages in flight; time from the first publish to the last delivery.`,
      'Both clients dial the proxy, so every byte crosses it twice (in and out); the proxy runs ' +
        'in the bench process with the clients, as the harness runs its mesh. NATS rather than ' +
        'a TCP echo, because NATS traffic is what the proxies carry.',
      `Tolerance: the ratio of each back-to-back pair ranged from ` +
        `${Math.min(...pairRatios).toFixed(2)} to ${Math.max(...pairRatios).toFixed(2)}. The ` +
        `bench process used a median ${percent(cpu.proxied)} of one core proxied and ` +
        `${percent(cpu.direct)} direct. Near 100%, the clients' one event loop bounds the ` +
        `figure: a ratio near 1 then says the proxy is not the bottleneck for NATS traffic, not ` +
        `how much the proxy alone could carry.`,
    ],
  };
}

const PROXIED_FIRST = ['proxied', 'direct'] as const;
const DIRECT_FIRST = ['direct', 'proxied'] as const;

/**
 * Publishes `count` messages from one connection to another via `hostPort`; returns MiB/s and
 * the CPU this process used meanwhile, in percent of one core.
 */
async function transfer(
  hostPort: string,
  count: number,
): Promise<{ mibPerSecond: number; cpuPercent: number }> {
  const subscriber = await connect({ servers: hostPort, name: 'bench-sub' });
  const publisher = await connect({ servers: hostPort, name: 'bench-pub' });
  try {
    const subject = 'bench.throughput';
    const delivered = new DeliveryCounter();
    subscriber.subscribe(subject, { callback: () => delivered.add() });
    // The SUB must be at the server before the first PUB, or early messages go nowhere.
    await subscriber.flush();

    const payload = new Uint8Array(MESSAGE_BYTES);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + SAMPLE_TIMEOUT_MS;
    for (let sent = 0; sent < count; sent++) {
      await delivered.atLeast(sent - WINDOW, deadline);
      publisher.publish(subject, payload);
    }
    await delivered.atLeast(count, deadline);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    return {
      mibPerSecond: (count * MESSAGE_BYTES) / 2 ** 20 / seconds,
      cpuPercent: (used.user + used.system) / 1e4 / seconds,
    };
  } finally {
    await Promise.allSettled([publisher, subscriber].map((nc: NatsConnection) => nc.close()));
  }
}

/**
 * Counts deliveries and lets the publisher wait for a count. Woken by each delivery, not by a
 * timer; the deadline only turns a lost message into an error instead of a hang.
 */
class DeliveryCounter {
  count = 0;
  private waiter?: { target: number; resolve: () => void };

  add(): void {
    this.count++;
    if (this.waiter && this.count >= this.waiter.target) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  }

  atLeast(target: number, deadline: number): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.waiter = undefined;
          reject(new Error(`proxy-throughput: ${this.count} of ${target} messages delivered`));
        },
        Math.max(0, deadline - performance.now()),
      );
      this.waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }
}
