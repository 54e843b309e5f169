/**
 * Reads nats-server's monitoring endpoints (`/healthz`, `/gatewayz`, `/jsz`). These are how the
 * harness knows a supercluster is ready and a fault took effect, rather than guessing with sleeps.
 */

export interface GatewayzReply {
  name: string;
  outbound_gateways?: Record<
    string,
    { connection?: { name?: string; ip?: string; port?: number } }
  >;
  inbound_gateways?: Record<
    string,
    { connection?: { name?: string; ip?: string; port?: number } }[]
  >;
}

export interface JszReply {
  server_name?: string;
  meta_cluster?: { name?: string; leader?: string; cluster_size?: number };
  account_details?: {
    name: string;
    stream_detail?: {
      name: string;
      cluster?: { name?: string; leader?: string; replicas?: { name: string; current: boolean }[] };
      state: { messages: number; first_seq: number; last_seq: number };
    }[];
  }[];
}

/** GETs a monitoring endpoint as JSON; throws on a refused connection or a timeout. */
export async function getJson<T>(url: string, timeoutMs = 1500): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/**
 * True once the server answers on its monitoring port. Not `/healthz`: on 2.9 it reports 503
 * until JetStream has a meta leader, which needs the other servers up first.
 */
export async function isServing(monitorUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${monitorUrl}/varz`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

export function gatewayz(monitorUrl: string): Promise<GatewayzReply> {
  return getJson<GatewayzReply>(`${monitorUrl}/gatewayz`);
}

export function jsz(monitorUrl: string, streams = false): Promise<JszReply> {
  const query = streams ? '?accounts=true&streams=true&config=false' : '';
  return getJson<JszReply>(`${monitorUrl}/jsz${query}`);
}

export interface RoutezReply {
  num_routes: number;
  routes?: { remote_id?: string; did_solicit?: boolean; ip?: string; port?: number }[];
}

export function routez(monitorUrl: string): Promise<RoutezReply> {
  return getJson<RoutezReply>(`${monitorUrl}/routez`);
}
