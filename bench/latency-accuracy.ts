import { connect, type NatsConnection } from 'nats';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startToxiproxyServer } from '../harness/faults/toxiproxy/index.ts';
import { median, type BenchResult } from './bench-result.ts';
import { startLoopbackNatsServer } from './loopback-nats-server.ts';

/** The latencies the harness's WAN scenarios use, and jitter 0 so the expectation is exact. */
const LATENCIES_MS = [50, 100];
/** Request pairs (one through the proxy, one direct) per round; a round's sample is their mean. */
const REQUESTS_PER_ROUND = 10;

/**
 * How exactly a `latency` toxic of the built-in Toxiproxy server adds what it is configured
 * with. A nats.js request goes to a responder on one local nats-server, once through a proxy
 * with the toxic and once direct, alternating. The toxic is on the upstream stream only
 * (client to server), as `NetworkFaults.degrade` puts it by default, so a round trip should
 * gain exactly the configured latency once; the reply comes back undelayed.
 */
export async function benchLatencyAccuracy(rounds: number): Promise<BenchResult[]> {
  await using server = await startLoopbackNatsServer();
  await using toxiproxy = await startToxiproxyServer({ port: 0 });
  const client = new Toxiproxy(toxiproxy.url);
  const results: BenchResult[] = [];
  for (const latency of LATENCIES_MS) {
    results.push(await measure(client, server.hostPort, latency, rounds));
  }
  return results;
}

async function measure(
  client: Toxiproxy,
  upstream: string,
  latency: number,
  rounds: number,
): Promise<BenchResult> {
  const proxy = await client.createProxy({
    name: `bench-latency-${latency}`,
    listen: '127.0.0.1:0',
    upstream,
  });
  await proxy.addToxic({
    name: 'latency',
    type: 'latency',
    stream: 'upstream',
    toxicity: 1,
    attributes: { latency, jitter: 0 },
  });
  const connections: NatsConnection[] = [];
  const open = async (hostPort: string, name: string) => {
    const nc = await connect({ servers: hostPort, name });
    connections.push(nc);
    return nc;
  };
  try {
    const responder = await open(upstream, 'bench-responder');
    const subject = `bench.rtt.${latency}`;
    responder.subscribe(subject, { callback: (_err, msg) => msg.respond(msg.data) });
    await responder.flush();
    const direct = await open(upstream, 'bench-direct');
    const proxied = await open(proxy.listen, 'bench-proxied');
    const roundTrip = async (nc: NatsConnection) => {
      const started = performance.now();
      await nc.request(subject, undefined, { timeout: 5000 + latency });
      return performance.now() - started;
    };
    // Untimed: the first request of a connection also sets up nats.js's reply subscription.
    await roundTrip(direct);
    await roundTrip(proxied);

    const proxiedRtts: number[] = [];
    const expectedRtts: number[] = [];
    const added: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const through: number[] = [];
      const straight: number[] = [];
      for (let i = 0; i < REQUESTS_PER_ROUND; i++) {
        // Alternate which goes first, so neither always follows the other's garbage.
        if ((round + i) % 2 === 0) {
          straight.push(await roundTrip(direct));
          through.push(await roundTrip(proxied));
        } else {
          through.push(await roundTrip(proxied));
          straight.push(await roundTrip(direct));
        }
      }
      proxiedRtts.push(mean(through));
      expectedRtts.push(mean(straight) + latency);
      // Added latency per request: its time through the toxic minus the round's direct median.
      added.push(...through.map((t) => t - median(straight)));
    }

    const fmt = (n: number) => n.toFixed(2);
    const worst = Math.max(...added.map((a) => Math.abs(a - latency)));
    return {
      title: `Latency accuracy: ${latency} ms latency toxic, jitter 0 (upstream stream)`,
      subject: `nats.js request through a proxy with a ${latency} ms upstream latency toxic`,
      baseline: `direct request to the same responder, plus ${latency} ms`,
      unit: 'ms',
      subjectSamples: proxiedRtts,
      baselineSamples: expectedRtts,
      lowerIsBetter: true,
      nearOneIsBetter: true,
      notes: [
        `Measured: ${REQUESTS_PER_ROUND} request pairs per round (one through the proxy, one ` +
          `direct, alternating); a sample is a round's mean round trip. The toxic is on the ` +
          `upstream stream only (client to server), so a round trip gains the latency once; on ` +
          `both streams it would gain it twice.`,
        `Added latency per request (through the toxic minus that round's direct median), over ` +
          `${added.length} requests: median ${fmt(median(added))} ms, min ` +
          `${fmt(Math.min(...added))} ms, max ${fmt(Math.max(...added))} ms against ` +
          `${latency} ms configured: a tolerance of ${fmt(worst)} ms in this run.`,
      ],
    };
  } finally {
    await Promise.allSettled(connections.map((nc) => nc.close()));
    await proxy.remove();
  }
}

function mean(samples: number[]): number {
  return samples.reduce((sum, s) => sum + s, 0) / samples.length;
}
