import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from 'nkeys.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedReader } from './connection.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nats-chaos-seed-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = (seed: Uint8Array) => new TextDecoder().decode(seed);

describe('seedReader', () => {
  it('follows the file as the secret store rotates it', async () => {
    const file = join(dir, 'agent.nk');
    const [first, second] = [createUser().getSeed(), createUser().getSeed()];
    await writeFile(file, `${text(first)}\n`, { mode: 0o600 });
    const read = seedReader(file, first);
    expect(text(read())).toBe(text(first));
    await writeFile(file, `${text(second)}\n`);
    expect(text(read())).toBe(text(second));
  });

  it('keeps the last good seed while the file is empty, half written or gone', async () => {
    const file = join(dir, 'agent.nk');
    const seed = createUser().getSeed();
    await writeFile(file, text(seed), { mode: 0o600 });
    const read = seedReader(file, seed);
    for (const caught of ['', text(seed).slice(0, 20)]) {
      await writeFile(file, caught);
      expect(text(read())).toBe(text(seed));
    }
    await rm(file);
    expect(text(read())).toBe(text(seed));
  });
});
