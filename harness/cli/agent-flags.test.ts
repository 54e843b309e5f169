import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/nats-chaos.mjs', import.meta.url));

/** Runs `nats-chaos run` with `args`; resolves with its exit code and what it printed. */
function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, 'run', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('nats-chaos run --agent-cmd / --agent-image', () => {
  it('refuses a command that cannot run before starting anything, naming the flag', async () => {
    const { code, output } = await run(['--agent-cmd', 'no-such-agent-x1 --mode work']);
    expect(code).toBe(2);
    expect(output).toMatch(/AGENT_COMMAND_NOT_FOUND: --agent-cmd: cannot run 'no-such-agent-x1'/);
    expect(output).not.toMatch(/starting|bucket/);
  });

  it('refuses an empty command and both flags at once as usage errors', async () => {
    const empty = await run(['--agent-cmd', '']);
    expect(empty.code).toBe(2);
    expect(empty.output).toMatch(/USAGE: --agent-cmd: is empty/);
    const both = await run(['--agent-cmd', 'node a.mjs', '--agent-image', 'my/agent:1']);
    expect(both.output).toMatch(/USAGE: --agent-cmd: give --agent-cmd or --agent-image, not both/);
  });

  it('refuses an agent image that is neither here nor pullable, with its code', async () => {
    const { code, output } = await run(['--agent-image', 'nats-chaos/none:0']);
    expect(code).toBe(2);
    expect(output).toMatch(
      /AGENT_IMAGE_NOT_FOUND: --agent-image nats-chaos\/none:0: not on this machine|DOCKER_UNAVAILABLE: --agent-image needs a Docker engine/,
    );
  });
});
