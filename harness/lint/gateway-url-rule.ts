import { finding, type LintFinding, type LintRule } from './lint-finding.ts';
import type { Located, SiteConfig } from './site-model.ts';

/** Hosts that mean "every interface" in a `listen`: a URL to any local address reaches them. */
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Where a gateway listens or advertises, and whose it is. */
interface Endpoint {
  readonly gateway: string;
  readonly host: string;
  readonly port: string;
  readonly at: Located<string>['at'];
}

/**
 * `gateway-inconsistent`, the URL half: every URL a config dials for a gateway must parse as
 * nats-server parses it, and must not be the address of another site's gateway (known from the
 * `listen` and `advertise` of the configs given); one URL cannot stand for two gateways. A
 * remote without any URL is a warning. URLs that match no config (a proxy, a DNS name) pass:
 * the lint cannot know where they lead.
 */
export const gatewayUrlsInconsistent: LintRule = (sites) => {
  const endpoints = sites.flatMap(endpointsOf);
  const firstUse = new Map<string, { gateway: string; at: Located<string>['at'] }>();
  const found: LintFinding[] = [];

  for (const site of sites) {
    for (const remote of site.gateway?.remotes ?? []) {
      if (remote.urls.length === 0) {
        found.push(
          finding(
            'warning',
            'gateway-inconsistent',
            remote.at,
            `gateway '${remote.name}' has no urls: this server never dials it and waits for ` +
              `'${remote.name}' to dial here. Add urls: ["nats://<host>:<gateway port>"].`,
          ),
        );
      }
      for (const url of remote.urls) {
        found.push(...checkUrl(url, remote.name, endpoints, firstUse));
      }
    }
  }
  return found;
};

function checkUrl(
  url: Located<string>,
  gateway: string,
  endpoints: Endpoint[],
  firstUse: Map<string, { gateway: string; at: Located<string>['at'] }>,
): LintFinding[] {
  const address = parseUrl(url.value);
  if (!address) {
    return [
      finding(
        'error',
        'gateway-inconsistent',
        url.at,
        `gateway '${gateway}' url '${url.value}' is not a URL like nats://host:port: ` +
          'nats-server refuses to start ("error parsing gateway url"). Add the scheme and port.',
      ),
    ];
  }

  const found: LintFinding[] = [];
  const owner = endpoints.find((e) => e.port === address.port && sameHost(e.host, address.host));
  if (owner && owner.gateway !== gateway) {
    found.push(
      finding(
        'error',
        'gateway-inconsistent',
        url.at,
        `gateway '${gateway}' url '${url.value}' is where gateway '${owner.gateway}' listens ` +
          `(${owner.at.file}:${owner.at.line}): this server dials the wrong site under the ` +
          `name '${gateway}', and the gateway refuses the link. Use an address of '${gateway}'.`,
      ),
    );
  }

  const key = `${address.host}:${address.port}`;
  const earlier = firstUse.get(key);
  if (!earlier) {
    firstUse.set(key, { gateway, at: url.at });
  } else if (earlier.gateway !== gateway && !owner) {
    found.push(
      finding(
        'error',
        'gateway-inconsistent',
        url.at,
        `url '${url.value}' is given for gateway '${gateway}' here and for gateway ` +
          `'${earlier.gateway}' at ${earlier.at.file}:${earlier.at.line}: one address cannot ` +
          'lead to two sites. Fix the one that is wrong.',
      ),
    );
  }
  return found;
}

function endpointsOf(site: SiteConfig): Endpoint[] {
  const gateway = site.gateway;
  const name = gateway?.name?.value;
  if (!gateway || !name) return [];
  return gateway.endpoints.flatMap((endpoint) => {
    const split = splitHostPort(endpoint.value);
    return split ? [{ gateway: name, ...split, at: endpoint.at }] : [];
  });
}

/** Host and port of a gateway URL, or undefined when nats-server could not parse it either. */
function parseUrl(text: string): { host: string; port: string } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.hostname === '') return undefined;
  return { host: url.hostname.toLowerCase(), port: url.port || '7222' };
}

/** `host:port`, `[v6]:port` or `:port`; undefined without a port. */
function splitHostPort(text: string): { host: string; port: string } | undefined {
  const match = /^(.*):(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  return { host: (match[1] ?? '').toLowerCase(), port: match[2] ?? '' };
}

function sameHost(listening: string, dialled: string): boolean {
  if (listening === dialled) return true;
  if (WILDCARD_HOSTS.has(listening)) return LOOPBACK_HOSTS.has(dialled);
  return LOOPBACK_HOSTS.has(listening) && LOOPBACK_HOSTS.has(dialled);
}
