import {
  asList,
  asMap,
  asText,
  firstOption,
  option,
  type ConfigDocument,
  type ConfigValue,
  type MapValue,
  type SourcePosition,
} from './config-tree.ts';
import type { SubjectRules } from './subject-match.ts';

/** A value read from a config together with where it is written. */
export interface Located<T> {
  readonly value: T;
  readonly at: SourcePosition;
}

export interface UserPermissions {
  readonly publish: SubjectRules;
  readonly subscribe: SubjectRules;
  readonly at: SourcePosition;
}

export interface AccountUser {
  /** The public NKey, or the user name for user/password users. */
  readonly id: string;
  readonly at: SourcePosition;
  readonly permissions?: UserPermissions;
}

export interface Account {
  readonly name: string;
  readonly at: SourcePosition;
  /** Whether the account has JetStream, and where that is said (undefined: not said). */
  readonly jetstream?: Located<boolean>;
  readonly users: AccountUser[];
}

export interface GatewayRemote {
  readonly name: string;
  readonly at: SourcePosition;
  /** The URLs this server dials for that gateway (`urls`, or a single `url`). */
  readonly urls: Located<string>[];
}

/** What the lint rules need from one server's config, with positions for every finding. */
export interface SiteConfig {
  readonly file: string;
  /** The first line of the file: where findings about something missing point. */
  readonly top: SourcePosition;
  readonly clusterName?: Located<string>;
  readonly gateway?: {
    readonly at: SourcePosition;
    readonly name?: Located<string>;
    readonly remotes: GatewayRemote[];
    /** `host:port` where other sites reach this gateway: its `listen` and `advertise`. */
    readonly endpoints: Located<string>[];
  };
  readonly systemAccount?: Located<string>;
  readonly accountsAt?: SourcePosition;
  readonly accounts: Map<string, Account>;
  /** Server-level JetStream (the `jetstream` block); accounts only get it when this is on. */
  readonly jetstream?: Located<boolean>;
  /** Users of the global account, from the top-level `authorization` block. */
  readonly globalUsers: number;
  readonly noAuthUser?: Located<string>;
  readonly pingInterval?: Located<ConfigValue>;
  readonly pingMax?: Located<ConfigValue>;
}

/** Reads the parts of a parsed config that the lint rules look at. Odd shapes are skipped. */
export function readSiteConfig(doc: ConfigDocument): SiteConfig {
  const root = doc.root;
  const cluster = asMap(option(root, 'cluster')?.value);
  const gatewayEntry = option(root, 'gateway');
  const gateway = asMap(gatewayEntry?.value);
  const accountsEntry = option(root, 'accounts');
  const authorization = asMap(option(root, 'authorization')?.value);

  return {
    file: doc.file,
    top: { file: doc.file, line: 1, column: 1 },
    clusterName: text(cluster, 'name'),
    gateway:
      gateway && gatewayEntry
        ? {
            at: gatewayEntry.keyPosition,
            name: text(gateway, 'name'),
            remotes: readRemotes(gateway),
            endpoints: readEndpoints(gateway),
          }
        : undefined,
    systemAccount: text(root, 'system_account'),
    accountsAt: accountsEntry?.keyPosition,
    accounts: readAccounts(asMap(accountsEntry?.value)),
    jetstream: readJetstream(root),
    globalUsers:
      asList(option(authorization, 'users')?.value).length +
      (option(authorization, 'user') || option(authorization, 'token') ? 1 : 0),
    noAuthUser: text(root, 'no_auth_user'),
    pingInterval: located(root, 'ping_interval'),
    pingMax: located(root, 'ping_max'),
  };
}

function located(map: MapValue | undefined, name: string): Located<ConfigValue> | undefined {
  const entry = option(map, name);
  return entry && { value: entry.value, at: entry.keyPosition };
}

function text(map: MapValue | undefined, name: string): Located<string> | undefined {
  const entry = option(map, name);
  const value = asText(entry?.value);
  return entry && value !== undefined ? { value, at: entry.keyPosition } : undefined;
}

function readRemotes(gateway: MapValue): GatewayRemote[] {
  return asList(option(gateway, 'gateways')?.value).flatMap((item) => {
    const remote = asMap(item);
    const name = text(remote, 'name');
    if (!name) return [];
    const urls = firstOption(remote, ['urls', 'url']);
    const located = asList(urls?.value).flatMap((url) => {
      const value = asText(url);
      return value === undefined ? [] : [{ value, at: url.position }];
    });
    return [{ name: name.value, at: name.at, urls: located }];
  });
}

/** `listen: "host:port"` (or `host` and `port`) and `advertise`, as `host:port`. */
function readEndpoints(gateway: MapValue): Located<string>[] {
  const endpoints: Located<string>[] = [];
  const listen = text(gateway, 'listen');
  const host = text(gateway, 'host');
  const port = text(gateway, 'port');
  if (listen) endpoints.push(listen);
  else if (port)
    endpoints.push({ value: `${host?.value ?? '0.0.0.0'}:${port.value}`, at: port.at });
  const advertise = text(gateway, 'advertise');
  if (advertise) endpoints.push(advertise);
  return endpoints;
}

function readAccounts(accounts: MapValue | undefined): Map<string, Account> {
  const result = new Map<string, Account>();
  for (const [name, entry] of accounts?.entries ?? []) {
    const body = asMap(entry.value);
    result.set(name, {
      name,
      at: entry.keyPosition,
      jetstream: readJetstream(body),
      users: asList(option(body, 'users')?.value).flatMap((item) => readUser(item)),
    });
  }
  return result;
}

/** `jetstream: enabled`, `true`, a `{ ... }` block with limits, or `disabled` / `false`. */
function readJetstream(map: MapValue | undefined): Located<boolean> | undefined {
  const entry = option(map, 'jetstream');
  if (!entry) return undefined;
  const value = entry.value;
  const enabled =
    value.kind === 'map' ||
    (value.kind === 'boolean' && value.value) ||
    (value.kind === 'string' && ['enabled', 'enable', 'true'].includes(value.value.toLowerCase()));
  return { value: enabled, at: entry.keyPosition };
}

function readUser(item: ConfigValue): AccountUser[] {
  const user = asMap(item);
  const id = text(user, 'nkey') ?? text(user, 'user') ?? text(user, 'username');
  if (!user || !id) return [];
  const permissionsEntry = option(user, 'permissions');
  const permissions = asMap(permissionsEntry?.value);
  return [
    {
      id: id.value,
      at: user.position,
      permissions:
        permissions && permissionsEntry
          ? {
              publish: readRules(firstOption(permissions, ['publish', 'pub'])?.value),
              subscribe: readRules(firstOption(permissions, ['subscribe', 'sub'])?.value),
              at: permissionsEntry.keyPosition,
            }
          : undefined,
    },
  ];
}

/** `publish: "a"`, `publish: [a, b]` (an allow list) or `publish: { allow: [..], deny: [..] }`. */
function readRules(value: ConfigValue | undefined): SubjectRules {
  if (!value) return { deny: [] };
  const map = asMap(value);
  if (!map) return { allow: subjects(value), deny: [] };
  const allow = firstOption(map, ['allow', 'allows'])?.value;
  const deny = firstOption(map, ['deny', 'denies'])?.value;
  return { allow: allow ? subjects(allow) : undefined, deny: subjects(deny) };
}

function subjects(value: ConfigValue | undefined): string[] {
  return asList(value).flatMap((item) => {
    const subject = asText(item);
    return subject === undefined ? [] : [subject];
  });
}
