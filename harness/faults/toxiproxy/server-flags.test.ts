import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.ts';
import { parseServerFlags, startToxiproxyServer, ToxiproxyConfigError } from './index.ts';

describe('the Toxiproxy server flags', () => {
  it('takes Go-style and GNU-style flags, the last value of a repeated flag winning', () => {
    expect(parseServerFlags([])).toEqual({ host: '127.0.0.1', port: 8474 });
    expect(parseServerFlags(['-host=0.0.0.0', '-config', '/c.json', '--port', '9000'])).toEqual({
      host: '0.0.0.0',
      port: 9000,
      config: '/c.json',
    });
    expect(parseServerFlags(['-host=0.0.0.0', '-host=127.0.0.2']).host).toBe('127.0.0.2');
  });

  it('refuses an unknown flag, a flag without its value and a port that is no port', () => {
    expect(() => parseServerFlags(['-proxies=x'])).toThrow(UsageError);
    expect(() => parseServerFlags(['-config'])).toThrow(/-config: needs a value/);
    expect(() => parseServerFlags(['-port=http'])).toThrow(/'http' is not a port number/);
  });
});

describe('-config: proxies created at start', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nats-chaos-toxiproxy-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates every proxy the file lists', async () => {
    const file = join(dir, 'proxies.json');
    const proxies = [
      { name: 'cl>site-1-n1', listen: '127.0.0.1:0', upstream: '127.0.0.1:4222' },
      { name: 'gw-a>b', listen: '127.0.0.1:0', upstream: '127.0.0.1:7222', enabled: false },
    ];
    await writeFile(file, JSON.stringify(proxies));
    await using server = await startToxiproxyServer({ port: 0, config: file });

    const all = await new Toxiproxy(server.url).getAll();
    expect(Object.keys(all).sort()).toEqual(['cl>site-1-n1', 'gw-a>b']);
    expect(all['gw-a>b']!.enabled).toBe(false);
    expect(all['cl>site-1-n1']!.upstream).toBe('127.0.0.1:4222');
  });

  it('names a missing or malformed file, and frees the API port', async () => {
    const missing = join(dir, 'nope.json');
    await expect(startToxiproxyServer({ port: 0, config: missing })).rejects.toThrow(
      ToxiproxyConfigError,
    );
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"name": "not a list"}');
    const failed = await startToxiproxyServer({ port: 0, config: bad }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ToxiproxyConfigError);
    expect((failed as Error).message).toContain(bad);

    // The API that failed to load its proxies is closed: the same fixed port binds again.
    const first = await startToxiproxyServer({ port: 0 });
    const port = first.port;
    await first.close();
    await expect(startToxiproxyServer({ port, config: bad })).rejects.toThrow(ToxiproxyConfigError);
    await using again = await startToxiproxyServer({ port });
    expect(again.port).toBe(port);
  });
});
