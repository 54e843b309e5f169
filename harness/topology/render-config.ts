import type { Deployment, DeploymentUser, UserPermissions } from './deployment-schema.ts';
import type { RunCredentials } from './credentials.ts';
import type { ServerPlan } from './plan.ts';

/** Where one server binds, and how the others and the clients reach it. */
export interface ServerAddresses {
  /** Host the server binds all its listeners to. */
  bindHost: string;
  clientPort: number;
  clusterPort: number;
  gatewayPort: number;
  monitorPort: number;
  /** Route URLs of the other servers of its site. */
  routes: string[];
  /** Gateway URLs of every other site, by site name. */
  gateways: Record<string, string[]>;
  /** What the server tells other sites to dial for its gateway, to keep traffic on a proxy. */
  gatewayAdvertise?: string;
  /** What the server tells its site-mates to dial for routes, for the same reason. */
  clusterAdvertise?: string;
  /** What the server tells clients to dial, to keep reconnects on a proxy. */
  clientAdvertise?: string;
}

export interface ServerConfigInput {
  deployment: Deployment;
  server: ServerPlan;
  addresses: ServerAddresses;
  /** The JetStream store dir, as the server sees it. */
  storeDir: string;
  /** The accounts-and-users file of the server's site, as the server sees it. */
  accountsInclude: string;
}

const q = (s: string) => JSON.stringify(s);
const list = (items: string[]) => `[${items.map(q).join(', ')}]`;

/** Renders the nats-server config of one server. Secrets are not in it: it includes them. */
export function renderServerConfig(input: ServerConfigInput): string {
  const { deployment, server, addresses: a } = input;
  const gateways = Object.entries(a.gateways).map(
    ([name, urls]) => `    { name: ${q(name)}, urls: ${list(urls)} }`,
  );
  const lines = [
    `# ${server.id} of deployment ${deployment.name}; rendered by nats-chaos-harness`,
    `server_name: ${q(server.name)}`,
    `listen: ${q(`${a.bindHost}:${a.clientPort}`)}`,
    `http: ${q(`${a.bindHost}:${a.monitorPort}`)}`,
    ...(a.clientAdvertise ? [`client_advertise: ${q(a.clientAdvertise)}`] : []),
    `ping_interval: ${q(`${deployment.server.pingIntervalSeconds}s`)}`,
    `ping_max: ${deployment.server.pingMax}`,
    `server_tags: ${list([`site:${server.siteName}`, `server:${server.name}`])}`,
    '',
    'jetstream {',
    `  store_dir: ${q(input.storeDir)}`,
    '  max_memory_store: 512M',
    '  max_file_store: 2G',
    '}',
    '',
    'cluster {',
    `  name: ${q(server.siteName)}`,
    `  listen: ${q(`${a.bindHost}:${a.clusterPort}`)}`,
    // JetStream in a cluster refuses to start without a route; the one server of a one-server
    // site gets a route to itself, which it recognises and drops.
    `  routes: ${list(a.routes.length > 0 ? a.routes : [`nats-route://${a.bindHost}:${a.clusterPort}`])}`,
    ...(a.clusterAdvertise ? [`  advertise: ${q(a.clusterAdvertise)}`] : []),
    // Servers of a site know each other from their routes; gossip would only add bypasses.
    '  no_advertise: true',
    '}',
    '',
    'gateway {',
    `  name: ${q(server.siteName)}`,
    `  listen: ${q(`${a.bindHost}:${a.gatewayPort}`)}`,
    ...(a.gatewayAdvertise ? [`  advertise: ${q(a.gatewayAdvertise)}`] : []),
    '  gateways: [',
    gateways.join(',\n'),
    '  ]',
    '}',
    '',
    `system_account: ${q(deployment.systemAccount)}`,
    `include ${q(input.accountsInclude)}`,
    '',
  ];
  return lines.join('\n');
}

/**
 * Renders a site's accounts-and-users file: the secret store the ADR mounts into the NATS
 * container. It holds public NKeys only. A site override can leave out users or accounts, or
 * give a user another key, to model configuration drift.
 */
export function renderAccountsFile(
  deployment: Deployment,
  site: number,
  keys: RunCredentials,
): string {
  const override = deployment.siteOverrides[String(site)];
  const accounts = Object.entries(deployment.accounts).filter(
    ([name]) => !override?.omitAccounts.includes(name),
  );

  const blocks = accounts.map(([name, account]) => {
    const users = deployment.users
      .filter((u) => u.account === name && !override?.omitUsers.includes(u.name))
      .map((u) => renderUser(u, keys, override?.rotatedUsers.includes(u.name) ?? false));
    const js = account.jetstream;
    const jetstream = js
      ? [
          `    jetstream: {`,
          `      max_memory: ${js.maxMemory}`,
          `      max_file: ${js.maxFile}`,
          ...(js.maxStreams ? [`      max_streams: ${js.maxStreams}`] : []),
          ...(js.maxConsumers ? [`      max_consumers: ${js.maxConsumers}`] : []),
          `    }`,
        ]
      : [];
    return [`  ${name}: {`, ...jetstream, `    users: [`, ...users, `    ]`, `  }`].join('\n');
  });

  return [
    `# accounts and users of site-${site}; public NKeys only`,
    'accounts: {',
    blocks.join('\n'),
    '}',
    '',
  ].join('\n');
}

function renderUser(user: DeploymentUser, keys: RunCredentials, rotated: boolean): string {
  const key = keys.get(user.name);
  if (!key) throw new Error(`no key generated for user ${user.name}`);
  const publicKey = rotated && key.rotated ? key.rotated.publicKey : key.publicKey;
  const permissions = user.permissions
    ? `, permissions: ${renderPermissions(user.permissions)}`
    : '';
  return `      { nkey: ${q(publicKey)}${permissions} }`;
}

function renderPermissions(p: UserPermissions): string {
  const part = (name: string, rules?: { allow?: string[]; deny?: string[] }) => {
    if (!rules) return [];
    const inner = [
      ...(rules.allow?.length ? [`allow: ${list(rules.allow)}`] : []),
      ...(rules.deny?.length ? [`deny: ${list(rules.deny)}`] : []),
    ];
    return [`${name}: { ${inner.join(', ')} }`];
  };
  return `{ ${[...part('publish', p.publish), ...part('subscribe', p.subscribe)].join(', ')} }`;
}
