import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessSupercluster } from '../backends/process/process-backend.ts';
import { gatewayz } from '../backends/monitoring.ts';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import { HistoryRecorder } from '../history/recorder.ts';
import { loadDeployment } from '../topology/load-deployment.ts';
import { CutProbe } from './cut-probe.ts';
import { NetworkFaults } from './network-faults.ts';
import { MeshMissingError } from './fault-errors.ts';

let cluster: StartedSupercluster;
let recorder: HistoryRecorder;
let faults: NetworkFaults;

beforeAll(async () => {
  const { deployment } = await loadDeployment('harmony');
  cluster = await startProcessSupercluster(deployment);
  recorder = new HistoryRecorder({
    runId: cluster.workspace.runId,
    scenario: 'network-faults-test',
    deployment: deployment.name,
    backend: 'process',
    seed: 0,
    startedAt: new Date().toISOString(),
  });
  faults = new NetworkFaults(cluster, recorder);
});

afterAll(async () => {
  await cluster?.shutdown();
});

const outboundSites = async (site: string) => {
  const views = await Promise.all(
    cluster.servers.filter((s) => s.plan.siteName === site).map((s) => gatewayz(s.monitorUrl)),
  );
  return views.map((v) => Object.keys(v.outbound_gateways ?? {}).sort());
};

describe('network faults on the proxy mesh', () => {
  it('starts with every link on a proxy', async () => {
    await expect(faults.verifyLinksProxied()).resolves.toBeUndefined();
  });

  it('partitions site 3 both ways and leaves site 1 <-> site 2 alone; heal restores it', async () => {
    const fault = await faults.partitionSite(3);
    expect(fault.effective).toBeGreaterThan(fault.start);

    // /gatewayz: site 3 has no gateway left; sites 1 and 2 still reach each other only.
    expect(await outboundSites('site-3')).toEqual([[], [], []]);
    expect(await outboundSites('site-1')).toEqual([['site-2'], ['site-2'], ['site-2']]);

    // Messages: nothing crosses the cut in either direction, 1 <-> 2 still talk.
    {
      await using probe = await CutProbe.open(cluster, ['site-1', 'site-2', 'site-3']);
      expect([...(await probe.deliveries('site-1', ['site-2', 'site-3']))]).toEqual(['site-2']);
      expect([...(await probe.deliveries('site-3', ['site-1', 'site-2']))]).toEqual([]);
    }

    await faults.heal(fault);
    expect(fault.healed).toBeGreaterThan(fault.end!);
    expect(await outboundSites('site-3')).toEqual([
      ['site-1', 'site-2'],
      ['site-1', 'site-2'],
      ['site-1', 'site-2'],
    ]);
    // After the heal every link is back on a proxy: none reconnected directly.
    await expect(faults.verifyLinksProxied()).resolves.toBeUndefined();
    await using probe = await CutProbe.open(cluster, ['site-1', 'site-3']);
    expect([...(await probe.deliveries('site-3', ['site-1']))]).toEqual(['site-1']);
  });

  it('cuts one direction only: site 2 still sends, nothing reaches it', async () => {
    const fault = await faults.partitionSite(2, 'inbound-only');
    {
      await using probe = await CutProbe.open(cluster, ['site-1', 'site-2', 'site-3']);
      expect([...(await probe.deliveries('site-1', ['site-2', 'site-3']))]).toEqual(['site-3']);
    }
    await faults.heal(fault);
    await expect(faults.verifyLinksProxied()).resolves.toBeUndefined();
  });

  it('isolates one server from its routes and gateways', async () => {
    const fault = await faults.isolateServer(1, 2);
    expect(fault.target.server).toBe('site-1-n2');
    const [isolated] = cluster.select({ site: 1, server: 2 });
    const view = await gatewayz(isolated!.monitorUrl);
    expect(Object.keys(view.outbound_gateways ?? {})).toEqual([]);
    await faults.heal(fault);
  });

  it('adds gateway latency, verified by a cross-site round trip', async () => {
    const fault = await faults.degrade(
      'latency',
      { kind: 'gateway' },
      { latency: 100, jitter: 20 },
    );
    expect(Number(fault.details?.['measuredRoundTripMs'])).toBeGreaterThanOrEqual(80);
    await faults.heal(fault);
    await using probe = await CutProbe.open(cluster, ['site-1', 'site-2']);
    expect(await probe.roundTrip('site-1', 'site-2')).toBeLessThan(80);
  });

  it('refuses network faults without the mesh', async () => {
    const direct = { ...cluster, mesh: undefined } as unknown as StartedSupercluster;
    expect(() => new NetworkFaults(direct, recorder)).toThrow(MeshMissingError);
  });
});
