import type { StartedSupercluster } from '../backends/supercluster.ts';
import { gatewayz, routez } from '../backends/monitoring.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { FaultKind, FaultRecord } from '../history/types.ts';
import { logger } from '../logger.ts';
import { siteName } from '../topology/plan.ts';
import { pollUntil } from '../wait.ts';
import { CutProbe } from './cut-probe.ts';
import { FaultNotEffectiveError, MeshMissingError } from './fault-errors.ts';
import type { MeshLink, ProxyMesh } from './proxy-mesh.ts';

const log = logger('faults');

/** Which links a degradation applies to. */
export interface LinkSelector {
  kind: MeshLink['kind'];
  /** Only links that touch this site (either end). */
  site?: number;
}

export type DegradeKind = Extract<FaultKind, 'latency' | 'bandwidth' | 'reset-peer' | 'slicer'>;

const TOXIC_TYPE: Record<DegradeKind, string> = {
  latency: 'latency',
  bandwidth: 'bandwidth',
  'reset-peer': 'reset_peer',
  slicer: 'slicer',
};

/**
 * Faults on links, through the proxy mesh: partitions (a site from the rest, one server from
 * everything, or one direction only) and degradations (latency, bandwidth, resets, slicing).
 * Each is recorded and verified before the call returns, with how long verification took.
 */
export class NetworkFaults {
  private readonly mesh: ProxyMesh;
  private readonly active = new Map<number, () => Promise<void>>();

  constructor(
    private readonly cluster: StartedSupercluster,
    private readonly recorder: HistoryRecorder,
    private readonly verifyTimeoutMs = 20_000,
  ) {
    if (!cluster.mesh) throw new MeshMissingError();
    this.mesh = cluster.mesh;
  }

  /**
   * Cuts every gateway link between `site` and the other sites, both ways (`inbound-only`:
   * the site can still send, but nothing reaches it). Links among the other sites stay up.
   * Verified by /gatewayz and by probe messages across the cut and beside it.
   */
  async partitionSite(
    site: number,
    direction: 'both' | 'inbound-only' = 'both',
  ): Promise<FaultRecord> {
    const name = siteName(site);
    const touching = this.mesh.select(
      (l) => l.kind === 'gateway' && (l.from?.site === site || l.to.site === site),
    );
    const fault = this.recorder.startFault({
      kind: 'partition',
      target: { site: name },
      details: { direction },
    });
    log('%s: partition (%s), %d gateway proxies', name, direction, touching.length);

    if (direction === 'both') {
      await this.mesh.setEnabled(touching, false);
      this.active.set(fault.index, () => this.mesh.setEnabled(touching, true));
    } else {
      // Data into the site travels upstream on links it receives and downstream on links it dials.
      const into = touching.filter((l) => l.to.site === site);
      const from = touching.filter((l) => l.from?.site === site);
      const toxic = {
        name: `partition-${fault.index}`,
        type: 'timeout',
        attributes: { timeout: 0 },
      };
      await this.mesh.addToxic(into, { ...toxic, stream: 'upstream' });
      await this.mesh.addToxic(from, { ...toxic, stream: 'downstream' });
      this.active.set(fault.index, () => this.mesh.removeToxic([...into, ...from], toxic.name));
    }

    await this.verify(fault, `${name} partitioned`, () => this.verifyPartition(site, direction));
    return fault;
  }

  /** Cuts one server from every other server: its routes and gateways, both ways. */
  async isolateServer(site: number, server: number): Promise<FaultRecord> {
    const target = this.cluster.select({ site, server })[0];
    if (!target) throw new Error(`no server ${server} in ${siteName(site)}`);
    const links = this.mesh.select(
      (l) =>
        l.kind !== 'client' &&
        (l.from?.name === target.plan.name || l.to.name === target.plan.name),
    );
    const fault = this.recorder.startFault({
      kind: 'isolate',
      target: { site: siteName(site), server: target.plan.name },
    });
    log('%s: isolate, %d proxies', target.plan.id, links.length);
    await this.mesh.setEnabled(links, false);
    this.active.set(fault.index, () => this.mesh.setEnabled(links, true));

    await this.verify(fault, `${target.plan.id} isolated`, async () => {
      const [gw, rt] = await Promise.all([gatewayz(target.monitorUrl), routez(target.monitorUrl)]);
      const outbound = Object.keys(gw.outbound_gateways ?? {}).length;
      const inbound = Object.values(gw.inbound_gateways ?? {}).flat().length;
      return outbound === 0 && inbound === 0 && rt.num_routes === 0;
    });
    return fault;
  }

  /** Adds a toxic to the selected links, both streams, and verifies it where it can. */
  async degrade(
    kind: DegradeKind,
    selector: LinkSelector,
    attributes: Record<string, number>,
    streams: ('upstream' | 'downstream')[] = ['upstream'],
  ): Promise<FaultRecord> {
    const links = this.mesh.select(
      (l) =>
        l.kind === selector.kind &&
        (selector.site === undefined ||
          l.to.site === selector.site ||
          l.from?.site === selector.site),
    );
    const fault = this.recorder.startFault({
      kind,
      target: selector.site
        ? { site: siteName(selector.site) }
        : { link: `all ${selector.kind} links` },
      details: { ...attributes, links: links.length, streams },
    });
    const name = `${kind}-${fault.index}`;
    for (const stream of streams) {
      await this.mesh.addToxic(links, {
        name: `${name}-${stream}`,
        type: TOXIC_TYPE[kind],
        stream,
        attributes,
      });
    }
    this.active.set(fault.index, () =>
      Promise.all(streams.map((s) => this.mesh.removeToxic(links, `${name}-${s}`))).then(() => {}),
    );
    log('%s on %d %s links: %o', kind, links.length, selector.kind, attributes);

    if (kind === 'latency' && selector.kind === 'gateway') {
      const floor = (attributes['latency'] ?? 0) - (attributes['jitter'] ?? 0);
      await this.verify(fault, `gateway latency >= ${floor} ms`, async () => {
        const rtt = await this.crossSiteRoundTrip(selector.site);
        fault.details = { ...fault.details, measuredRoundTripMs: Math.round(rtt) };
        return rtt >= floor;
      });
    } else {
      // Toxics apply to the connections the proxy already has and to new ones, at once.
      this.recorder.markFault(fault, 'effective');
    }
    return fault;
  }

  /** Undoes a fault of this class and waits until the supercluster is whole again. */
  async heal(fault: FaultRecord): Promise<void> {
    const undo = this.active.get(fault.index);
    if (!undo) throw new Error(`fault ${fault.index} is not active`);
    this.recorder.markFault(fault, 'end');
    await undo();
    this.active.delete(fault.index);
    await this.cluster.waitReady();
    await this.verifyLinksProxied();
    this.recorder.markFault(fault, 'healed');
    log(
      'fault %d (%s) healed after %d ms',
      fault.index,
      fault.kind,
      Math.round(fault.healed! - fault.end!),
    );
  }

  /**
   * Every gateway and route, in both directions, runs through a proxy: none went direct.
   * nats-server may report an accepted route as solicited after it resolved a duplicate, so
   * every route is judged by its far end, not by who dialled it.
   */
  async verifyLinksProxied(): Promise<void> {
    const direct: string[] = [];
    const bypasses = (c: { ip?: string; port?: number } | undefined) =>
      c?.ip !== undefined && c.port !== undefined && this.mesh.isDirectPeer(c.ip, c.port);
    for (const s of this.cluster.servers.filter((s) => s.status() === 'running')) {
      const [gw, rt] = await Promise.all([gatewayz(s.monitorUrl), routez(s.monitorUrl)]);
      for (const [site, link] of Object.entries(gw.outbound_gateways ?? {})) {
        if (bypasses(link.connection)) direct.push(`${s.plan.id} -> ${site}`);
      }
      for (const [site, links] of Object.entries(gw.inbound_gateways ?? {})) {
        if (links.some((l) => bypasses(l.connection))) direct.push(`${site} -> ${s.plan.id}`);
      }
      for (const r of rt.routes ?? []) {
        if (bypasses(r)) direct.push(`${s.plan.id} route to ${r.ip}:${r.port}`);
      }
    }
    if (direct.length > 0) {
      throw new FaultNotEffectiveError(
        'heal',
        'proxy mesh',
        `links bypass the proxies: ${direct.join(', ')}`,
      );
    }
  }

  private async verify(fault: FaultRecord, what: string, check: () => Promise<boolean>) {
    try {
      await pollUntil(async () => ((await check()) ? true : undefined), {
        timeoutMs: this.verifyTimeoutMs,
        intervalMs: 100,
        condition: what,
      });
    } catch (err) {
      throw new FaultNotEffectiveError(
        fault.kind,
        what,
        err instanceof Error ? err.message : String(err),
      );
    }
    this.recorder.markFault(fault, 'effective');
    log('%s verified after %d ms', what, Math.round(fault.effective! - fault.start));
  }

  private async verifyPartition(
    site: number,
    direction: 'both' | 'inbound-only',
  ): Promise<boolean> {
    const name = siteName(site);
    const running = this.cluster.servers.filter((s) => s.status() === 'running');
    if (direction === 'both') {
      const views = await Promise.all(
        running.map(async (s) => ({ s, gw: await gatewayz(s.monitorUrl) })),
      );
      for (const { s, gw } of views) {
        const outbound = Object.keys(gw.outbound_gateways ?? {});
        const inbound = Object.entries(gw.inbound_gateways ?? {})
          .filter(([, c]) => c.length > 0)
          .map(([k]) => k);
        if (s.plan.siteName === name && (outbound.length > 0 || inbound.length > 0)) return false;
        if (s.plan.siteName !== name && (outbound.includes(name) || inbound.includes(name)))
          return false;
      }
    }
    return this.probeCut(name);
  }

  /** No message crosses into `site`, while one still crosses between the other sites. */
  private async probeCut(site: string): Promise<boolean> {
    const others = this.cluster.topology.sites.filter((s) => s !== site);
    await using probe = await CutProbe.open(this.cluster, this.cluster.topology.sites);
    const [from, ...rest] = others;
    if (!from) return true;
    const reached = await probe.deliveries(from, [site, ...rest]);
    const controlOk = rest.every((s) => reached.has(s));
    return controlOk && !reached.has(site);
  }

  /** A request's round trip between two sites: `site` (when given) and another one. */
  private async crossSiteRoundTrip(site?: number): Promise<number> {
    const { sites } = this.cluster.topology;
    const a = site === undefined ? sites[0]! : siteName(site);
    const b = sites.find((s) => s !== a)!;
    await using probe = await CutProbe.open(this.cluster, [a, b]);
    // Awaited here: returning the bare promise would close the probe under the request.
    return await probe.roundTrip(a, b);
  }
}
