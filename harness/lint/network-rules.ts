import type { ConfigValue } from './config-tree.ts';
import { finding, listing, siteLabel, type LintFinding, type LintRule } from './lint-finding.ts';

/** A dead link should be noticed within seconds; nats-server's default ping is every 2 min. */
const MAX_PING_INTERVAL_MS = 10_000;
const MAX_PING_MAX = 3;
const DEFAULT_PING_INTERVAL_MS = 120_000;
const DEFAULT_PING_MAX = 2;

/**
 * `gateway-inconsistent`: a gateway's name must be its cluster's name, every gateway it dials
 * must be a site among the configs, and (a warning) it should dial every other known site.
 */
export const gatewayInconsistent: LintRule = (sites) => {
  const found: LintFinding[] = [];
  const known = [...new Set(sites.flatMap((site) => site.gateway?.name?.value ?? []))];

  for (const site of sites) {
    const gateway = site.gateway;
    if (!gateway) {
      if (known.length > 0) {
        found.push(
          finding(
            'warning',
            'gateway-inconsistent',
            site.top,
            `${site.file} has no gateway block: this server does not join the supercluster of ` +
              `${listing(known)}. Add gateway { name, listen, gateways } as on the other sites.`,
          ),
        );
      }
      continue;
    }
    const name = gateway.name;
    const cluster = site.clusterName;
    if (!name) {
      found.push(
        finding('error', 'gateway-inconsistent', gateway.at, 'the gateway block has no name.'),
      );
    } else if (cluster && cluster.value !== name.value) {
      found.push(
        finding(
          'error',
          'gateway-inconsistent',
          name.at,
          `gateway name '${name.value}' is not the cluster name '${cluster.value}': nats-server ` +
            'refuses to start ("cluster name conflicts between cluster and gateway definitions"). ' +
            'Make them equal.',
        ),
      );
    }

    for (const remote of gateway.remotes) {
      if (known.includes(remote.name)) continue;
      found.push(
        finding(
          'error',
          'gateway-inconsistent',
          remote.at,
          `gateway '${remote.name}' is not the gateway name of any config given ` +
            `(${listing(known)}): a typo, or that site's config is missing from this lint run.`,
        ),
      );
    }
    const listed = gateway.remotes.map((remote) => remote.name);
    for (const other of known) {
      if (other === name?.value || listed.includes(other)) continue;
      found.push(
        finding(
          'warning',
          'gateway-inconsistent',
          gateway.at,
          `${siteLabel(site)} does not list the site '${other}' in its gateways: it learns of it ` +
            'only by gossip from a site that is up. Add { name: "' +
            other +
            '", urls: [...] }.',
        ),
      );
    }
  }
  return found;
};

/** `ping-too-slow`: a dead link goes unnoticed for about ping_interval × ping_max. */
export const pingTooSlow: LintRule = (sites) =>
  sites.flatMap((site): LintFinding[] => {
    const found: LintFinding[] = [];
    const interval = site.pingInterval;
    const intervalMs = interval ? durationMs(interval.value) : DEFAULT_PING_INTERVAL_MS;
    const pingMax = site.pingMax?.value;
    const max = pingMax?.kind === 'integer' ? pingMax.value : DEFAULT_PING_MAX;
    const unnoticed = `a dead client, route or gateway link goes unnoticed for about ${seconds(
      (intervalMs ?? DEFAULT_PING_INTERVAL_MS) * max,
    )}`;

    if (!interval) {
      found.push(
        finding(
          'warning',
          'ping-too-slow',
          site.top,
          `ping_interval is not set, so it is 2m: ${unnoticed}. Set ping_interval: "1s" (at most 10s).`,
        ),
      );
    } else if (intervalMs === undefined) {
      found.push(
        finding(
          'warning',
          'ping-too-slow',
          interval.at,
          'ping_interval is neither a number of seconds nor a duration like "1s"; write "1s".',
        ),
      );
    } else if (intervalMs > MAX_PING_INTERVAL_MS) {
      found.push(
        finding(
          'warning',
          'ping-too-slow',
          interval.at,
          `ping_interval is ${seconds(intervalMs)}: ${unnoticed}. Use at most 10s.`,
        ),
      );
    }
    if (site.pingMax && max > MAX_PING_MAX) {
      found.push(
        finding(
          'warning',
          'ping-too-slow',
          site.pingMax.at,
          `ping_max is ${max}: ${unnoticed}. Use at most ${MAX_PING_MAX}.`,
        ),
      );
    }
    return found;
  });

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A ping_interval in ms: an integer is seconds, a string a Go duration (`1s`, `1m30s`). */
export function durationMs(value: ConfigValue): number | undefined {
  if (value.kind === 'integer') return value.value * 1000;
  if (value.kind !== 'string') return undefined;
  const text = value.value.trim();
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const match = part.exec(text);
    const unit = match?.[2] && UNIT_MS[match[2]];
    if (!match || !unit) return undefined;
    total += Number(match[1]) * unit;
    at = part.lastIndex;
  }
  return text.length > 0 ? total : undefined;
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}
