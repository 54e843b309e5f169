import { randomBytes } from 'node:crypto';
import type { ICreateToxicBody, Proxy } from 'toxiproxy-node-client';
import { describe, expect, it } from 'vitest';
import { startRig } from './fixtures/rig.ts';
import type { ToxicAttributes, ToxicStream, ToxicType } from './index.ts';

/** Adds a toxic through the client, naming only what the test cares about. */
function addToxic<T extends ToxicType>(
  proxy: Proxy,
  type: T,
  attributes: ToxicAttributes[T],
  options: { stream?: ToxicStream; toxicity?: number; name?: string } = {},
) {
  return proxy.addToxic({ type, attributes, ...options } as ICreateToxicBody<ToxicAttributes[T]>);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function roundTrips(
  probe: { roundTrip(payload: string): Promise<number> },
  count: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await probe.roundTrip(`ping ${i}\n`));
  return times;
}

describe('toxics', () => {
  it('latency 100 ms +-20: median round trip within [80, 160] ms', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('latency');
    await addToxic(proxy, 'latency', { latency: 100, jitter: 20 });
    const probe = await rig.connect(port);

    const times = await roundTrips(probe, 9);
    expect(median(times)).toBeGreaterThanOrEqual(80);
    expect(median(times)).toBeLessThanOrEqual(160);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(75);
  });

  it('latency with large jitter keeps the order of bytes', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('latency-order');
    await addToxic(proxy, 'latency', { latency: 30, jitter: 30 });
    const probe = await rig.connect(port);

    const pieces = Array.from({ length: 40 }, (_, i) => `<${i}>`);
    for (const piece of pieces) {
      probe.write(piece);
      // Pacing, not settling: 2 ms apart the pieces reach the proxy as separate chunks, each
      // drawing its own delay, so a proxy that did not keep order would shuffle them.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await probe.untilBytes(pieces.join('').length, 3000);
    expect(probe.received.toString()).toBe(pieces.join(''));
  });

  it('latency on the upstream stream delays the round trip too', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('latency-up');
    await addToxic(proxy, 'latency', { latency: 120, jitter: 0 }, { stream: 'upstream' });
    const probe = await rig.connect(port);

    expect(await probe.roundTrip('up')).toBeGreaterThanOrEqual(115);
  });

  it('bandwidth 100 KB/s: 200 KB take 1.6 to 3 s', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('bandwidth');
    await addToxic(proxy, 'bandwidth', { rate: 100 });
    const probe = await rig.connect(port);
    const payload = randomBytes(200 * 1024);

    const elapsed = await probe.roundTrip(payload, 6000);
    expect(elapsed).toBeGreaterThanOrEqual(1600);
    expect(elapsed).toBeLessThanOrEqual(3000);
    expect(probe.received.equals(payload)).toBe(true);
  });

  it('timeout 0 drops data and keeps the connection open; removing it closes the connection', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('timeout-0');
    const toxic = await addToxic(proxy, 'timeout', { timeout: 0 });
    const probe = await rig.connect(port);

    probe.write('into the void');
    // A bounded observation window: the echo answers within a millisecond when not held.
    const answered = probe.until(() => probe.bytes > 0 || probe.closed, 300, 'any reply or close');
    await expect(answered).rejects.toThrow('not seen within 300 ms');
    expect(rig.echo.bytesReceived).toBe(13); // the upstream got it; the reply was dropped

    // Toxiproxy closes what a timeout toxic held when the toxic goes: the stream has a hole.
    await toxic.remove();
    await probe.untilClosed(1000);
    expect(probe.bytes).toBe(0);
  });

  it('timeout 200 ms closes the connection after about 200 ms without passing data', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('timeout-200');
    await addToxic(proxy, 'timeout', { timeout: 200 }, { stream: 'upstream' });
    const started = performance.now();
    const probe = await rig.connect(port);
    probe.write('dropped');

    await probe.untilClosed(2000);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThanOrEqual(700);
    expect(rig.echo.bytesReceived).toBe(0);
    expect(probe.bytes).toBe(0);
  });

  it('reset_peer 100 ms: the client gets ECONNRESET about 100 ms after sending', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('reset');
    await addToxic(proxy, 'reset_peer', { timeout: 100 });
    const probe = await rig.connect(port);

    const started = performance.now();
    probe.write('hello');
    await probe.until(() => probe.error !== undefined, 2000, 'a socket error');
    expect(probe.error?.code).toBe('ECONNRESET');
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(probe.bytes).toBe(0);
  });

  it('slicer delivers every byte, in order, in many small reads', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('slicer');
    await addToxic(proxy, 'slicer', { average_size: 100, size_variation: 20, delay: 2000 });
    const probe = await rig.connect(port);
    const payload = randomBytes(2000);

    await probe.roundTrip(payload, 3000);
    expect(probe.received.equals(payload)).toBe(true);
    expect(probe.reads).toBeGreaterThanOrEqual(8); // about 20 slices of ~100 bytes
  });

  it('limit_data 1000: exactly 1000 bytes pass, then the connection closes', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('limit');
    await addToxic(proxy, 'limit_data', { bytes: 1000 });
    const probe = await rig.connect(port);
    const payload = randomBytes(3000);

    probe.write(payload);
    await probe.untilClosed(2000);
    expect(probe.bytes).toBe(1000);
    expect(probe.received.equals(payload.subarray(0, 1000))).toBe(true);
  });

  it('slow_close 300 ms holds the close back by 300 ms', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('slow-close');
    const plain = await rig.connect(port);
    await plain.roundTrip('x');
    let started = performance.now();
    plain.end();
    await plain.untilClosed(1000);
    const baseline = performance.now() - started;

    await addToxic(proxy, 'slow_close', { delay: 300 });
    const probe = await rig.connect(port);
    await probe.roundTrip('x');
    started = performance.now();
    probe.end();
    await probe.untilClosed(2000);
    const elapsed = performance.now() - started;

    expect(baseline).toBeLessThan(150);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1000);
  });

  it('toxicity 0 leaves connections alone', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('toxicity-0');
    await addToxic(proxy, 'latency', { latency: 500, jitter: 0 }, { toxicity: 0 });
    await addToxic(proxy, 'timeout', { timeout: 0 }, { toxicity: 0, stream: 'upstream' });
    const probe = await rig.connect(port);

    expect(await probe.roundTrip('fast')).toBeLessThan(200);
  });

  it('toxicity 0.5 is drawn per connection: some connections are slowed, some are not', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('toxicity-half');
    await addToxic(proxy, 'latency', { latency: 300, jitter: 0 }, { toxicity: 0.5 });
    const probes = await Promise.all(Array.from({ length: 30 }, () => rig.connect(port)));

    const times = await Promise.all(probes.map((probe) => probe.roundTrip('?', 3000)));
    const slowed = times.filter((time) => time >= 290).length;
    expect(slowed).toBeGreaterThan(0);
    expect(slowed).toBeLessThan(30);
    // Each connection is either slowed in full or not at all.
    expect(times.filter((time) => time >= 150 && time < 290)).toEqual([]);
  });
});

describe('toxics on open connections', () => {
  it('latency added, updated and removed acts on a connection that is already open', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('live-latency');
    const probe = await rig.connect(port);
    expect(await probe.roundTrip('a')).toBeLessThan(100);

    const toxic = await addToxic(proxy, 'latency', { latency: 150, jitter: 0 });
    expect(await probe.roundTrip('b')).toBeGreaterThanOrEqual(145);

    await toxic.update({ ...toxic.toJson(), attributes: { latency: 300, jitter: 0 } });
    expect(await probe.roundTrip('c')).toBeGreaterThanOrEqual(295);

    await toxic.remove();
    expect(await probe.roundTrip('d')).toBeLessThan(100);
    expect(probe.received.toString()).toBe('abcd');
  });

  it('timeout, limit_data and bandwidth added later act on an open connection', async () => {
    await using rig = await startRig();
    const { proxy, port } = await rig.createProxy('live-others');
    const limited = await rig.connect(port);
    const slowed = await rig.connect(port);
    const silenced = await rig.connect(port);
    await limited.roundTrip('1');
    await slowed.roundTrip('1');
    await silenced.roundTrip('1');

    const limit = await addToxic(proxy, 'limit_data', { bytes: 10 }, { name: 'limit' });
    limited.write('0123456789abcdef');
    await limited.untilClosed(1000);
    expect(limited.received.toString()).toBe('10123456789');
    await limit.remove();

    const bandwidth = await addToxic(proxy, 'bandwidth', { rate: 50 });
    const elapsed = await slowed.roundTrip(randomBytes(25_000), 3000);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    await bandwidth.remove();

    await addToxic(proxy, 'timeout', { timeout: 100 });
    silenced.write('gone');
    await silenced.untilClosed(1000);
    expect(silenced.bytes).toBe(1);
  });
});
