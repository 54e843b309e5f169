import { createServer } from 'node:net';
import type { ICreateToxicBody, Latency } from 'toxiproxy-node-client';
import { describe, expect, it } from 'vitest';
import { startToxiproxyServer, ToxiproxyPortInUseError } from './index.ts';
import { portOf, startRig } from './fixtures/rig.ts';
import { TcpProbe } from './fixtures/tcp-probe.ts';

/** A toxic body with only the fields a caller sets; the server fills in the defaults. */
function toxicBody<T>(body: Partial<ICreateToxicBody<T>>): ICreateToxicBody<T> {
  return body as ICreateToxicBody<T>;
}

/** `toxiproxy-node-client` reports a failed request as "Request failed with status code N". */
const status = (code: number): RegExp => new RegExp(`status code ${code}$`);

describe('Toxiproxy API through toxiproxy-node-client', () => {
  it('answers /version with the Toxiproxy version it follows', async () => {
    await using rig = await startRig();
    const text = await rig.toxiproxy.getVersion();
    expect(JSON.parse(text)).toEqual({ version: expect.stringMatching(/^2\.\d+\.\d+$/) });
  });

  it('creates a proxy on port 0 and shows the port it really got', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('gw-s1-s2');

    expect(proxy.enabled).toBe(true);
    expect(proxy.upstream).toBe(rig.echo.address);
    expect(port).toBeGreaterThan(0);
    expect(proxy.listen).toBe(`127.0.0.1:${port}`);

    const again = await rig.toxiproxy.get('gw-s1-s2');
    expect(again.toJson()).toEqual(proxy.toJson());
    const all = await rig.toxiproxy.getAll();
    expect(Object.keys(all)).toEqual(['gw-s1-s2']);
  });

  it('creates a disabled proxy that does not listen until enabled', async () => {
    await using rig = await startRig();
    const proxy = await rig.toxiproxy.createProxy({
      name: 'off',
      listen: '127.0.0.1:0',
      upstream: rig.echo.address,
      enabled: false,
    });
    expect(proxy.enabled).toBe(false);

    const enabled = await proxy.update({
      enabled: true,
      listen: proxy.listen,
      upstream: proxy.upstream,
    });
    expect(enabled.enabled).toBe(true);
    const probe = await rig.connect(portOf(enabled.listen));
    expect(await probe.roundTrip('hello')).toBeLessThan(1000);
  });

  it('refuses a duplicate proxy with 409 and an unknown one with 404', async () => {
    await using rig = await startRig();
    await rig.createProxy('dup');

    await expect(rig.createProxy('dup')).rejects.toThrow(status(409));
    await expect(rig.toxiproxy.get('nope')).rejects.toThrow(status(404));
  });

  it('adds a toxic with Toxiproxy defaults: name <type>_<stream>, downstream, toxicity 1', async () => {
    await using rig = await startRig();
    const { proxy } = await rig.createProxy('defaults');

    const toxic = await proxy.addToxic(
      toxicBody<Latency>({ type: 'latency', attributes: { latency: 10, jitter: 0 } }),
    );
    expect(toxic.toJson()).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 0 },
    });

    const shown = await proxy.getToxic<Latency>('latency_downstream');
    expect(shown.toJson()).toEqual(toxic.toJson());
    const listed = await rig.toxiproxy.get('defaults');
    expect(listed.toJson()).toMatchObject({ name: 'defaults' });
  });

  it('refuses a duplicate toxic with 409, an unknown one with 404 and a bad type with 400', async () => {
    await using rig = await startRig();
    const { proxy } = await rig.createProxy('toxic-errors');
    const body = toxicBody<Latency>({ type: 'latency', attributes: { latency: 1, jitter: 0 } });
    await proxy.addToxic(body);

    await expect(proxy.addToxic(body)).rejects.toThrow(status(409));
    await expect(proxy.getToxic('missing')).rejects.toThrow(status(404));
    await expect(proxy.addToxic(toxicBody({ type: 'nonsense' as 'latency' }))).rejects.toThrow(
      status(400),
    );
    await expect(
      proxy.addToxic(toxicBody({ type: 'latency', stream: 'sideways' as 'upstream' })),
    ).rejects.toThrow(status(400));
  });

  it('updates a toxic: new attributes and toxicity, same name, type and stream', async () => {
    await using rig = await startRig();
    const { proxy } = await rig.createProxy('update-toxic');
    const toxic = await proxy.addToxic(
      toxicBody<Latency>({
        name: 'slow',
        type: 'latency',
        stream: 'upstream',
        attributes: { latency: 5, jitter: 0 },
      }),
    );

    const updated = await toxic.update({
      ...toxic.toJson(),
      toxicity: 0.5,
      attributes: { latency: 50, jitter: 5 },
    });
    expect(updated.toJson()).toEqual({
      name: 'slow',
      type: 'latency',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { latency: 50, jitter: 5 },
    });
    expect((await proxy.getToxic<Latency>('slow')).attributes.latency).toBe(50);
  });

  it('removes toxics and proxies; a removed proxy is 404 and its port refuses', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('gone');
    const toxic = await proxy.addToxic(toxicBody({ type: 'timeout', attributes: { timeout: 0 } }));

    await toxic.remove();
    await expect(proxy.getToxic(toxic.name)).rejects.toThrow(status(404));
    await expect(toxic.remove()).rejects.toThrow(status(404));
    await expect(toxic.update(toxic.toJson())).rejects.toThrow(status(404));

    await proxy.remove();
    await expect(rig.toxiproxy.get('gone')).rejects.toThrow(status(404));
    await expect(TcpProbe.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('populates: creates new proxies, keeps unchanged ones with their toxics, replaces changed ones', async () => {
    await using rig = await startRig();
    const first = await rig.toxiproxy.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: rig.echo.address },
      { name: 'b', listen: '127.0.0.1:0', upstream: rig.echo.address },
    ]);
    expect(Object.keys(first).sort()).toEqual(['a', 'b']);
    const a = first['a']!;
    await a.addToxic(toxicBody({ type: 'latency', attributes: { latency: 1, jitter: 0 } }));

    const second = await rig.toxiproxy.populate([
      { name: 'a', listen: a.listen, upstream: rig.echo.address },
      { name: 'b', listen: '127.0.0.1:0', upstream: '127.0.0.1:1', enabled: false },
    ]);
    expect(second['a']!.toJson()).toEqual(a.toJson());
    expect((await rig.toxiproxy.get('a')).listen).toBe(a.listen);
    await expect(second['a']!.getToxic('latency_downstream')).resolves.toBeDefined();
    expect(second['b']!.upstream).toBe('127.0.0.1:1');
    expect(second['b']!.enabled).toBe(false);
  });

  it('resets: every proxy enabled again and every toxic removed', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('reset-me');
    await proxy.addToxic(toxicBody({ type: 'timeout', attributes: { timeout: 0 } }));
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await expect(TcpProbe.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await rig.toxiproxy.reset();

    const after = await rig.toxiproxy.get('reset-me');
    expect(after.enabled).toBe(true);
    expect(after.listen).toBe(proxy.listen);
    // The client's Proxy drops the toxics; its HTTP client still returns the raw JSON.
    const raw = await rig.toxiproxy
      .getApi()
      .get<{ toxics: unknown[] }>(`${rig.server.url}/proxies/reset-me`);
    expect(raw.data.toxics).toEqual([]);
    const probe = await rig.connect(port);
    expect(await probe.roundTrip('back')).toBeLessThan(1000);
  });
});

describe('Toxiproxy API status codes and bodies', () => {
  // The client only says "status code N"; these check the bytes a real Toxiproxy sends.
  it('answers like Toxiproxy, status code and error body', async () => {
    await using rig = await startRig();
    const url = rig.server.url;
    const post = (path: string, body: string): Promise<Response> =>
      fetch(`${url}${path}`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
    const proxyBody = JSON.stringify({
      name: 'p',
      listen: '127.0.0.1:0',
      upstream: rig.echo.address,
    });

    expect((await post('/proxies', proxyBody)).status).toBe(201);
    const duplicate = await post('/proxies', proxyBody);
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toBe('{"error":"proxy already exists","status":409}\n');

    const missing = await fetch(`${url}/proxies/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('{"error":"proxy not found","status":404}\n');

    const noToxic = await fetch(`${url}/proxies/p/toxics/nope`);
    expect(await noToxic.text()).toBe('{"error":"toxic not found","status":404}\n');

    const toxic = await post('/proxies/p/toxics', '{"type":"latency","attributes":{"latency":1}}');
    expect(toxic.status).toBe(200);
    const dupToxic = await post('/proxies/p/toxics', '{"type":"latency"}');
    expect(await dupToxic.text()).toBe('{"error":"toxic already exists","status":409}\n');

    const noName = await post('/proxies', JSON.stringify({ upstream: rig.echo.address }));
    expect(await noName.json()).toEqual({ error: 'missing required field: name', status: 400 });
    const badJson = await post('/proxies', '{nope');
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error).toMatch(/^bad request body: /);

    const badAttribute = await post(
      '/proxies/p/toxics',
      '{"type":"bandwidth","attributes":{"rate":"x"}}',
    );
    expect(badAttribute.status).toBe(400);
    const noProxyToxics = await fetch(`${url}/proxies/nope/toxics`);
    expect(await noProxyToxics.text()).toBe('{"error":"proxy not found","status":404}\n');

    const patched = await fetch(`${url}/proxies/p`, { method: 'PATCH', body: '{"enabled":false}' });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ name: 'p', enabled: false });
    expect((await fetch(`${url}/proxies`, { method: 'PUT', body: '{}' })).status).toBe(405);
    const browser = await fetch(`${url}/proxies`, { headers: { 'User-Agent': 'Mozilla/5.0' } });
    expect(browser.status).toBe(403);

    const populated = await post('/populate', '[]');
    expect(populated.status).toBe(201);
    expect(await populated.json()).toEqual({ proxies: [] });

    expect(
      (await fetch(`${url}/proxies/p/toxics/latency_downstream`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await post('/reset', '')).status).toBe(204);
    expect((await fetch(`${url}/proxies/p`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });

  it('reports a taken listen port as a 500 with the address, like Toxiproxy', async () => {
    await using rig = await startRig();
    const { proxy } = await rig.createProxy('first');

    const error = await rig.toxiproxy
      .createProxy({ name: 'second', listen: proxy.listen, upstream: rig.echo.address })
      .catch((err: unknown) => err);
    expect(String(error)).toMatch(status(500));
    const response = await fetch(`${rig.server.url}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'third', listen: proxy.listen, upstream: rig.echo.address }),
    });
    expect(response.status).toBe(500);
    expect((await response.json()).error).toContain(`cannot listen on ${proxy.listen}`);
  });
});

describe('startToxiproxyServer', () => {
  it('throws ToxiproxyPortInUseError naming the address when the API port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const error = await startToxiproxyServer({ port }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ToxiproxyPortInUseError);
      expect(error).toMatchObject({
        code: 'TOXIPROXY_PORT_IN_USE',
        address: `127.0.0.1:${port}`,
      });
      expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
