import type { StartedSupercluster } from '../backends/supercluster.ts';
import { getJson } from '../backends/monitoring.ts';

interface ConnzReply {
  connections?: { name?: string; authorized_user?: string }[];
}

/**
 * Where an agent is connected, seen from outside: the servers' `/connz` list each client
 * connection with its name and the NKey it authenticated with. A connection named after the
 * agent's id wins; else one authenticated with the agent user's key (the observer's probes use
 * that key too, but only after the agents stopped).
 */
export async function findAgentSite(
  cluster: StartedSupercluster,
  agentId: string,
  publicKey: string,
): Promise<string | undefined> {
  const running = cluster.servers.filter((s) => s.status() === 'running');
  const found = await Promise.all(
    running.map(async (server) => {
      const reply = await getJson<ConnzReply>(
        `${server.monitorUrl}/connz?auth=true&limit=4096`,
        1000,
      ).catch(() => undefined);
      const connections = reply?.connections ?? [];
      return {
        site: server.plan.siteName,
        named: connections.some((c) => c.name === agentId),
        keyed: connections.some((c) => c.authorized_user === publicKey),
      };
    }),
  );
  return (found.find((f) => f.named) ?? found.find((f) => f.keyed))?.site;
}
