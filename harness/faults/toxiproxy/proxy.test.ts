import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runToxiproxyCommand } from './index.ts';
import { portOf, startRig } from './fixtures/rig.ts';
import { TcpProbe } from './fixtures/tcp-probe.ts';
import { Toxiproxy } from 'toxiproxy-node-client';

describe('TCP proxying', () => {
  it('forwards bytes both ways unchanged', async () => {
    await using rig = await startRig();
    const { port } = await rig.createProxy('plain');
    const probe = await rig.connect(port);
    const payload = randomBytes(300_000);

    await probe.roundTrip(payload, 5000);
    expect(probe.received.equals(payload)).toBe(true);
    expect(rig.echo.bytesReceived).toBe(payload.length);
  });

  it('disabling closes open connections and refuses new ones; enabling listens on the same port', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('flap');
    const probe = await rig.connect(port);
    await probe.roundTrip('before');

    const disabled = await proxy.update({
      enabled: false,
      listen: proxy.listen,
      upstream: proxy.upstream,
    });
    expect(disabled.enabled).toBe(false);
    await probe.untilClosed(1000);
    await expect(TcpProbe.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const enabled = await disabled.update({
      enabled: true,
      listen: proxy.listen,
      upstream: proxy.upstream,
    });
    expect(enabled.listen).toBe(proxy.listen);
    const again = await rig.connect(port);
    await again.roundTrip('after');
    expect(again.received.toString()).toBe('after');
  });

  it('deleting a proxy closes its connections', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('delete-me');
    const probe = await rig.connect(port);
    await probe.roundTrip('x');

    await proxy.remove();
    await probe.untilClosed(1000);
    expect(probe.closed).toBe(true);
  });

  it('changing the upstream restarts the proxy on the same port', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('move');
    const probe = await rig.connect(port);
    await probe.roundTrip('x');

    const moved = await proxy.update({
      enabled: true,
      listen: proxy.listen,
      upstream: '127.0.0.1:1',
    });
    expect(moved.upstream).toBe('127.0.0.1:1');
    await probe.untilClosed(1000);
    // Nothing listens on port 1, so the new connection is accepted and then closed.
    const orphan = await rig.connect(port);
    await orphan.untilClosed(1000);
    expect(orphan.bytes).toBe(0);
  });

  it('closing the server closes every proxy and connection', async () => {
    await using rig = await startRig();
    const { port } = await rig.createProxy('closing');
    const probe = await rig.connect(port);
    await probe.roundTrip('x');

    await rig.server.close();
    await probe.untilClosed(1000);
    await expect(TcpProbe.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('runToxiproxyCommand', () => {
  it('serves the API until stopped, then closes everything', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let run: Promise<void> = Promise.resolve();
    const url = await new Promise<string>((resolve, reject) => {
      run = runToxiproxyCommand({
        port: 0,
        signal: stop.signal,
        print: (line) => {
          lines.push(line);
          const found = /http:\/\/\S+/.exec(line)?.[0];
          if (found) resolve(found);
        },
      });
      run.catch(reject);
    });
    let port = 0;
    try {
      const proxy = await new Toxiproxy(url).createProxy({
        name: 'cli',
        listen: '127.0.0.1:0',
        upstream: '127.0.0.1:1',
      });
      port = portOf(proxy.listen);
    } finally {
      stop.abort();
      await run;
    }

    expect(lines).toHaveLength(2);
    await expect(TcpProbe.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(fetch(`${url}/version`)).rejects.toThrow();
  });
});
