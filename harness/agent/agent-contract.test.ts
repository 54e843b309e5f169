import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import {
  agentSpecFromFlags,
  checkAgentSpec,
  contractEnvironment,
  type AgentContract,
} from './agent-contract.ts';
import { dockerUp } from '../testing/docker-gate.ts';
import { AgentCommandNotFoundError, AgentImageNotFoundError } from './agent-errors.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nats-chaos-contract-'));
  await writeFile(join(dir, 'not-executable.sh'), 'echo hi\n', { mode: 0o644 });
  await writeFile(join(dir, 'agent.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(dir, 'agent.sh'), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The error `promise` rejects with, to look at its fields. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('checking --agent-cmd before anything starts', () => {
  it('refuses an empty command with a UsageError naming the flag', async () => {
    const err = await rejection(checkAgentSpec({ kind: 'command', command: '   ' }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ code: 'USAGE', flag: '--agent-cmd' });
  });

  it('refuses a program that is not on PATH, naming the flag and the program', async () => {
    const err = await rejection(
      checkAgentSpec({ kind: 'command', command: 'no-such-agent-x1 -v' }),
    );
    expect(err).toBeInstanceOf(AgentCommandNotFoundError);
    expect(err).toMatchObject({ code: 'AGENT_COMMAND_NOT_FOUND', flag: '--agent-cmd' });
    expect((err as Error).message).toMatch(
      /--agent-cmd: cannot run 'no-such-agent-x1': not found on PATH/,
    );
  });

  it('refuses a missing path and a file that is not executable', async () => {
    const missing = await rejection(checkAgentSpec({ kind: 'command', command: './gone.sh' }, dir));
    expect((missing as Error).message).toMatch(/no such file/);
    const plain = checkAgentSpec({ kind: 'command', command: './not-executable.sh' }, dir);
    await expect(plain).rejects.toThrow(/is not executable/);
  });

  it('accepts programs on PATH, paths, assignments before them, and quoted ones', async () => {
    for (const command of [
      'node agent.mjs --mode work',
      'LOG=1 node agent.mjs',
      './agent.sh',
      `"${join(dir, 'agent.sh')}" --flag`,
      'exec node agent.mjs',
    ]) {
      await expect(checkAgentSpec({ kind: 'command', command }, dir), command).resolves.toBe(
        undefined,
      );
    }
  });

  it('refuses an agent image that is neither here nor pullable, naming the flag', async () => {
    const err = await rejection(checkAgentSpec({ kind: 'image', image: 'nats-chaos/none:0' }));
    if (!dockerUp) {
      expect(err).toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
      expect((err as Error).message).toMatch(/--agent-image needs a Docker engine/);
      return;
    }
    expect(err).toBeInstanceOf(AgentImageNotFoundError);
    expect(err).toMatchObject({ code: 'AGENT_IMAGE_NOT_FOUND', flag: '--agent-image' });
  });
});

describe('the agent flags', () => {
  it('give no spec without flags, a command or an image, and refuse both at once', () => {
    expect(agentSpecFromFlags({})).toBeUndefined();
    expect(agentSpecFromFlags({ agentCmd: 'node a.mjs' })).toEqual({
      kind: 'command',
      command: 'node a.mjs',
    });
    expect(agentSpecFromFlags({ agentImage: 'a:1' })).toEqual({ kind: 'image', image: 'a:1' });
    expect(() => agentSpecFromFlags({ agentCmd: 'x', agentImage: 'y' })).toThrow(UsageError);
  });
});

describe('the contract environment', () => {
  it('names the sites in order, the seed file (not the seed), the bucket and the files', () => {
    const contract: AgentContract = {
      version: 1,
      runId: 'run-1',
      agentId: 'agent-1',
      urls: ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223'],
      seedFile: '/tmp/run/secrets/agent.nk',
      bucket: 'HARMONY',
      historyFile: '/tmp/run/agents/agent-1/history.jsonl',
      keys: ['key.0', 'key.1'],
      client: { ignoreAuthErrorAbort: true, reconnectTimeWaitMs: 250, requestTimeoutMs: 2000 },
    };
    expect(contractEnvironment(contract, '/tmp/run/agents/agent-1/contract.json')).toEqual({
      NATS_URLS: 'nats://127.0.0.1:4222,nats://127.0.0.1:4223',
      NATS_SEED_FILE: '/tmp/run/secrets/agent.nk',
      NATS_BUCKET: 'HARMONY',
      NATS_CHAOS_RUN_ID: 'run-1',
      NATS_CHAOS_AGENT_ID: 'agent-1',
      NATS_CHAOS_HISTORY: '/tmp/run/agents/agent-1/history.jsonl',
      NATS_CHAOS_KEYS: 'key.0,key.1',
      NATS_CHAOS_CONTRACT: '/tmp/run/agents/agent-1/contract.json',
    });
  });
});
