import { gatewayz, jsz, type GatewayzReply } from './monitoring.ts';
import { pollUntil } from '../wait.ts';

/** What readiness needs to know of a server. */
export interface MonitoredServer {
  id: string;
  name: string;
  siteName: string;
  monitorUrl: string;
}

export interface ReadinessReport {
  /** Milliseconds until every gateway link was up. */
  gatewaysMs: number;
  /** Milliseconds until every server agreed on one JetStream meta leader. */
  metaLeaderMs: number;
  metaLeader: string;
}

/** Outbound gateways per server and the total of inbound ones, as /gatewayz shows them. */
export interface GatewaySnapshot {
  outbound: Map<string, string[]>;
  inboundTotal: number;
}

export async function snapshotGateways(servers: MonitoredServer[]): Promise<GatewaySnapshot> {
  const replies = await Promise.all(
    servers.map((s) => gatewayz(s.monitorUrl).catch((): GatewayzReply | undefined => undefined)),
  );
  const outbound = new Map<string, string[]>();
  let inboundTotal = 0;
  replies.forEach((reply, i) => {
    outbound.set(servers[i]!.id, Object.keys(reply?.outbound_gateways ?? {}));
    for (const links of Object.values(reply?.inbound_gateways ?? {})) inboundTotal += links.length;
  });
  return { outbound, inboundTotal };
}

/**
 * The gateway mesh is complete when every server has an outbound gateway to every other site
 * and the inbound gateways add up to servers x (sites - 1).
 */
export function gatewaysComplete(servers: MonitoredServer[], snapshot: GatewaySnapshot): boolean {
  const sites = new Set(servers.map((s) => s.siteName));
  const expected = servers.length * (sites.size - 1);
  const outboundOk = servers.every((s) => {
    const links = new Set(snapshot.outbound.get(s.id) ?? []);
    return [...sites].every((site) => site === s.siteName || links.has(site));
  });
  return outboundOk && snapshot.inboundTotal >= expected;
}

/** The meta leader every server names, or undefined while they disagree or none is elected. */
export async function agreedMetaLeader(servers: MonitoredServer[]): Promise<string | undefined> {
  const leaders = await Promise.all(
    servers.map((s) =>
      jsz(s.monitorUrl)
        .then((r) => r.meta_cluster?.leader ?? '')
        .catch(() => ''),
    ),
  );
  const first = leaders[0];
  return first && leaders.every((l) => l === first) ? first : undefined;
}

/**
 * Waits until `servers` form a supercluster: the gateway mesh among them is complete and all
 * agree on the JetStream meta leader. Pass only the servers that should be up.
 */
export async function waitForSupercluster(
  servers: MonitoredServer[],
  timeoutMs: number,
): Promise<ReadinessReport> {
  const started = performance.now();
  let last: GatewaySnapshot | undefined;
  const describeGateways = () =>
    last
      ? `inbound gateways ${last.inboundTotal}; outbound ` +
        [...last.outbound].map(([id, l]) => `${id}->[${l.join(',')}]`).join(' ')
      : 'no /gatewayz answer';

  const multiSite = new Set(servers.map((s) => s.siteName)).size > 1;
  if (multiSite) {
    await pollUntil(
      async () => {
        last = await snapshotGateways(servers);
        return gatewaysComplete(servers, last) ? true : undefined;
      },
      { timeoutMs, condition: 'gateway mesh complete', describe: describeGateways },
    );
  }
  const gatewaysMs = performance.now() - started;

  const remaining = Math.max(1000, timeoutMs - gatewaysMs);
  const { value: metaLeader } = await pollUntil(() => agreedMetaLeader(servers), {
    timeoutMs: remaining,
    condition: 'all servers agree on the JetStream meta leader',
  });
  return { gatewaysMs, metaLeaderMs: performance.now() - started, metaLeader };
}
