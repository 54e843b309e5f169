import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { gatewayz } from '../harness/backends/monitoring.ts';
import { startProcessSupercluster } from '../harness/backends/process/process-backend.ts';
import type { StartedSupercluster } from '../harness/backends/supercluster.ts';
import { NetworkFaults } from '../harness/faults/network-faults.ts';
import { HistoryRecorder } from '../harness/history/recorder.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { siteName } from '../harness/topology/plan.ts';
import { pollUntil } from '../harness/wait.ts';
import type { BenchResult } from './bench-result.ts';

/** The site cut off; site 3, as the partition test and scenario do. */
const SITE = 3;

/**
 * Time from calling `NetworkFaults.partitionSite(3)` until it returns verified, on a proxied
 * 3x3 `harmony` supercluster (one network namespace per server when run as root), against the
 * same cut made by hand: disable the same gateway proxies through Toxiproxy's API and poll
 * only /gatewayz of every server until no link to or from site 3 is left, no message probe.
 * One supercluster serves every round, healed in between; rounds alternate which goes first.
 */
export async function benchPartitionVerify(rounds: number): Promise<BenchResult> {
  const { deployment } = await loadDeployment('harmony');
  const cluster = await startProcessSupercluster(deployment);
  try {
    const recorder = new HistoryRecorder({
      runId: cluster.workspace.runId,
      scenario: 'bench-partition-verify',
      deployment: deployment.name,
      backend: 'process',
      seed: 0,
      startedAt: new Date().toISOString(),
    });
    const faults = new NetworkFaults(cluster, recorder);
    const mesh = cluster.mesh!;
    const links = mesh.select(
      (l) => l.kind === 'gateway' && (l.from?.site === SITE || l.to.site === SITE),
    );
    // Fetched before any timing, as the mesh holds its proxies: the cut itself is one update each.
    const client = new Toxiproxy(mesh.apiUrl);
    const proxies = await Promise.all(links.map((l) => client.get(l.name)));
    const harness: number[] = [];
    const manual: number[] = [];

    for (let round = 0; round < rounds; round++) {
      process.stderr.write(`bench: partition-verify round ${round + 1}/${rounds}\n`);
      const order = round % 2 === 0 ? ['harness', 'manual'] : ['manual', 'harness'];
      for (const who of order) {
        if (who === 'harness') {
          const started = performance.now();
          const fault = await faults.partitionSite(SITE);
          harness.push(performance.now() - started);
          await faults.heal(fault);
        } else {
          manual.push(await cutByHand(cluster, proxies));
          await setEnabled(proxies, true);
          // The same heal as `faults.heal`: supercluster whole again, every link on a proxy.
          await cluster.waitReady();
          await faults.verifyLinksProxied();
        }
      }
    }

    return {
      title: `Partition verification: site ${SITE} cut from a 3x3 proxied supercluster`,
      subject: '`NetworkFaults.partitionSite(3)`: disable proxies, /gatewayz and message probes',
      baseline: 'disable the same proxies via the Toxiproxy API, poll only /gatewayz',
      unit: 'ms',
      subjectSamples: harness,
      baselineSamples: manual,
      lowerIsBetter: true,
      notes: [
        `Measured: from the call until it returns, ${links.length} gateway proxies (every one ` +
          `dialled by or dialling site ${SITE}); both poll every 100 ms. The harness also ` +
          `proves the cut with messages (none may reach site ${SITE}, one must still cross ` +
          `between the other sites), whose delivery window of 1.5 s is most of the difference: ` +
          `the price of a verified cut over a cut that /gatewayz merely reports.`,
        'One supercluster for every round, healed (gateways complete, meta leader agreed, every ' +
          'link back on a proxy) between rounds and not timed.',
      ],
    };
  } finally {
    await cluster.shutdown();
  }
}

/** Disables the proxies and polls /gatewayz until no server has a gateway to or from SITE. */
async function cutByHand(cluster: StartedSupercluster, proxies: Proxy[]): Promise<number> {
  const started = performance.now();
  await setEnabled(proxies, false);
  await pollUntil(() => gatewaysCut(cluster), {
    timeoutMs: 20_000,
    intervalMs: 100,
    condition: `${siteName(SITE)} cut (by hand)`,
  });
  return performance.now() - started;
}

async function setEnabled(proxies: Proxy[], enabled: boolean): Promise<void> {
  await Promise.all(
    proxies.map((p) => p.update({ enabled, listen: p.listen, upstream: p.upstream })),
  );
}

/** True when site SITE has no gateway left and no other site has one to it, either way. */
async function gatewaysCut(cluster: StartedSupercluster): Promise<true | undefined> {
  const name = siteName(SITE);
  const views = await Promise.all(
    cluster.servers.map(async (s) => ({ site: s.plan.siteName, gw: await gatewayz(s.monitorUrl) })),
  );
  for (const { site, gw } of views) {
    const outbound = Object.keys(gw.outbound_gateways ?? {});
    const inbound = Object.entries(gw.inbound_gateways ?? {})
      .filter(([, links]) => links.length > 0)
      .map(([remote]) => remote);
    if (site === name && (outbound.length > 0 || inbound.length > 0)) return undefined;
    if (site !== name && (outbound.includes(name) || inbound.includes(name))) return undefined;
  }
  return true;
}
