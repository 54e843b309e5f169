import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { logger } from '../../logger.ts';

const run = promisify(execFile);
const log = logger('netns');

/** Prefix of every namespace and veth the harness creates, so leftovers can be found. */
export const NETNS_PREFIX = 'ncx';

/**
 * One Linux network namespace per server, each joined to the host by a veth pair with a /30 of
 * its own. A server runs inside its namespace and can reach only its own veth's host side,
 * where the proxies for the links it dials listen. So an address gossiped by another server (a
 * proxy meant for that server's links, even a site-mate's) is unreachable from here: nothing
 * can go around the proxies, and a partition is as real as on separate hosts. Slots number the
 * servers from 1 (at most 62 in a run). Needs root and iproute2.
 */
export class ServerNamespaces implements AsyncDisposable {
  private constructor(
    private readonly tag: string,
    private readonly octets: [number, number],
    readonly slots: number,
  ) {}

  /** True when namespaces can be used: root, iproute2, and not turned off by NATS_CHAOS_NETNS=0. */
  static async usable(): Promise<boolean> {
    if (process.env['NATS_CHAOS_NETNS'] === '0' || process.getuid?.() !== 0) return false;
    return run('ip', ['netns', 'list']).then(
      () => true,
      () => false,
    );
  }

  /**
   * Creates the namespaces of a run. `tag` is a short hex id from the run id (veth names are
   * limited to 15 characters). The /24 is picked at random among those not on the host.
   */
  static async create(tag: string, slots: number): Promise<ServerNamespaces> {
    if (slots > 62)
      throw new RangeError(`${slots} servers do not fit one /24 of /30s (62 at most)`);
    const used = (await run('ip', ['-o', '-4', 'addr'])).stdout;
    let octets: [number, number] = [0, 0];
    do {
      octets = [200 + Math.floor(Math.random() * 50), Math.floor(Math.random() * 256)];
    } while (used.includes(` 10.${octets[0]}.${octets[1]}.`));

    const ns = new ServerNamespaces(tag, octets, slots);
    try {
      for (let slot = 1; slot <= slots; slot++) await ns.createSlot(slot);
    } catch (err) {
      await ns[Symbol.asyncDispose]();
      throw err;
    }
    log('%s: %d namespaces on 10.%d.%d.0/24', tag, slots, octets[0], octets[1]);
    return ns;
  }

  /** The namespace's name for a slot. */
  name(slot: number): string {
    return namespaceName(this.tag, slot);
  }

  /** The host side of a slot's veth: proxies and decoys for the server's links listen here. */
  hostAddress(slot: number): string {
    return `10.${this.octets[0]}.${this.octets[1]}.${slot * 4 + 1}`;
  }

  /** The server's own address inside its namespace: it binds here. */
  serverAddress(slot: number): string {
    return `10.${this.octets[0]}.${this.octets[1]}.${slot * 4 + 2}`;
  }

  /** The command that runs `binary args` inside a slot's namespace. */
  wrap(slot: number, binary: string, args: string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.name(slot), binary, ...args]];
  }

  private async createSlot(slot: number) {
    const name = this.name(slot);
    const host = vethName(this.tag, slot);
    const peer = `${NETNS_PREFIX}${this.tag}-${slot}n`;
    const ip = (...args: string[]) => run('ip', args);
    const inNs = (...args: string[]) => run('ip', ['netns', 'exec', name, 'ip', ...args]);
    await ip('netns', 'add', name);
    await ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer);
    await ip('link', 'set', peer, 'netns', name);
    await ip('addr', 'add', `${this.hostAddress(slot)}/30`, 'dev', host);
    await ip('link', 'set', host, 'up');
    await inNs('addr', 'add', `${this.serverAddress(slot)}/30`, 'dev', peer);
    await inNs('link', 'set', peer, 'up');
    await inNs('link', 'set', 'lo', 'up');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (let slot = 1; slot <= this.slots; slot++) await removeSlot(this.tag, slot);
  }
}

const namespaceName = (tag: string, slot: number) => `${NETNS_PREFIX}-${tag}-${slot}`;
// At most 15 characters: 3 + 6 + 1 + 2 + 1.
const vethName = (tag: string, slot: number) => `${NETNS_PREFIX}${tag}-${slot}h`;

async function removeSlot(tag: string, slot: number) {
  await run('ip', ['link', 'del', vethName(tag, slot)]).catch(() => {});
  await run('ip', ['netns', 'del', namespaceName(tag, slot)]).catch(() => {});
}

/** The namespace tag of a run id: its random hex suffix. */
export function namespaceTag(runId: string): string {
  return runId.slice(-6);
}

/**
 * Deletes the namespaces (and their veths) of runs that are gone: every harness namespace whose
 * tag is not in `liveTags`. Returns the tags removed.
 */
export async function reapStaleNamespaces(liveTags: Set<string>): Promise<string[]> {
  const listed = await run('ip', ['netns', 'list']).then(
    (r) => r.stdout,
    () => '',
  );
  const stale = new Map<string, number>();
  for (const line of listed.split('\n')) {
    const m = new RegExp(`^${NETNS_PREFIX}-([0-9a-f]{6})-(\\d+)`).exec(line.trim());
    if (!m || liveTags.has(m[1]!)) continue;
    stale.set(m[1]!, Math.max(stale.get(m[1]!) ?? 0, Number(m[2])));
  }
  for (const [tag, slots] of stale) {
    for (let slot = 1; slot <= slots; slot++) await removeSlot(tag, slot);
    log('%s: removed leftover namespaces', tag);
  }
  return [...stale.keys()];
}
