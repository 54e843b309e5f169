import { connect, createInbox, type NatsConnection } from 'nats';
import { readFile } from 'node:fs/promises';
import { nkeyAuthenticator } from 'nats';
import type { RunningServer, StartedSupercluster } from '../backends/supercluster.ts';
import { userWithRole } from '../topology/credentials.ts';
import { pollUntil } from '../wait.ts';

/**
 * Proves a cut with messages, beside what /gatewayz says: a message published in one site
 * must reach a subscriber in a site on the same side, and must not reach one across the cut.
 * The probe connects as the observer straight to the servers' own client ports.
 */
export class CutProbe implements AsyncDisposable {
  private constructor(private readonly connections: Map<string, NatsConnection>) {}

  /** One connection per site, to a running server of that site. */
  static async open(cluster: StartedSupercluster, sites: string[]): Promise<CutProbe> {
    const seed = (
      await readFile(userWithRole(cluster.credentials, 'observer').seedFile, 'utf8')
    ).trim();
    const connections = new Map<string, NatsConnection>();
    try {
      for (const site of sites) {
        const server = cluster.servers.find(
          (s) => s.plan.siteName === site && s.status() === 'running',
        );
        if (!server) continue;
        connections.set(site, await connectTo(server, seed));
      }
    } catch (err) {
      await Promise.allSettled([...connections.values()].map((c) => c.close()));
      throw err;
    }
    return new CutProbe(connections);
  }

  /**
   * Publishes from `from` and reports which sites received it within `windowMs` after the
   * first expected site did. `expect` are sites that should receive (the positive control).
   */
  async deliveries(from: string, to: string[], windowMs = 1500): Promise<Set<string>> {
    const subject = `chaos.probe.${createInbox().slice(7)}`;
    const received = new Set<string>();
    const subs = to.map((site) => {
      const nc = this.connections.get(site);
      if (!nc) throw new Error(`no probe connection in ${site}`);
      return nc.subscribe(subject, { callback: () => received.add(site) });
    });
    try {
      await Promise.all(to.map((site) => this.connections.get(site)!.flush()));
      const publisher = this.connections.get(from);
      if (!publisher) throw new Error(`no probe connection in ${from}`);
      const started = performance.now();
      // Publish repeatedly: interest crosses gateways asynchronously after a subscribe.
      await pollUntil(
        async () => {
          publisher.publish(subject);
          await publisher.flush();
          return performance.now() - started >= windowMs ? true : undefined;
        },
        { timeoutMs: windowMs + 5000, intervalMs: 100, condition: 'probe window' },
      );
      return received;
    } finally {
      subs.forEach((s) => s.unsubscribe());
    }
  }

  /** Round-trip time of a request from `from` answered in `to`, in ms. */
  async roundTrip(from: string, to: string, timeoutMs = 5000): Promise<number> {
    const subject = `chaos.rtt.${createInbox().slice(7)}`;
    const responder = this.connections.get(to)!;
    const sub = responder.subscribe(subject, { callback: (_err, msg) => msg.respond() });
    try {
      await responder.flush();
      const requester = this.connections.get(from)!;
      // The first request may race the interest crossing the gateway; retry until answered.
      const { value } = await pollUntil(
        async () => {
          const started = performance.now();
          await requester.request(subject, undefined, { timeout: 2000 });
          return performance.now() - started;
        },
        { timeoutMs, intervalMs: 50, condition: `request ${from} -> ${to} answered` },
      );
      return value;
    } finally {
      sub.unsubscribe();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled([...this.connections.values()].map((c) => c.close()));
  }
}

async function connectTo(server: RunningServer, seed: string): Promise<NatsConnection> {
  return connect({
    servers: [server.directClientUrl],
    authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)),
    name: `probe-${server.plan.name}`,
    reconnect: false,
    ignoreClusterUpdates: true,
  });
}
