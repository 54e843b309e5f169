import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { agentSpecFromFlags, checkAgentSpec } from '../agent/agent-contract.ts';
import { UsageError } from '../errors.ts';
import { BACKENDS, type BackendName } from '../backends/start-backend.ts';
import { buildResults, exitCodeFor, writeResults } from '../report/results-file.ts';
import { formatVerdictTable } from '../report/verdict-table.ts';
import { writeRunReports } from '../report/write-reports.ts';
import { runScenario } from '../scenario/run-scenario.ts';
import type { ScenarioResult } from '../scenario/scenario.ts';
import { loadDeployment } from '../topology/load-deployment.ts';
import { newSeed } from '../seeded-random.ts';
import { CLAIMS, findScenario, SCENARIOS } from '../../scenarios/index.ts';
import { judgeClaims } from '../claims/claim.ts';

export interface RunFlags {
  backend: string;
  deployment: string;
  scenario?: string[];
  seed?: string;
  out?: string;
  toxiproxyUrl?: string;
  natsImage?: string;
  toxiproxyImage?: string;
  agentCmd?: string;
  agentImage?: string;
}

/** `nats-chaos run`: runs scenarios, writes results.json, prints the verdict table. */
export async function runCommand(flags: RunFlags): Promise<number> {
  if (!(BACKENDS as readonly string[]).includes(flags.backend)) {
    throw new UsageError('--backend', `'${flags.backend}' is not one of ${BACKENDS.join(', ')}`);
  }
  const seed = flags.seed === undefined ? newSeed() : parseSeed(flags.seed);
  const toxiproxyUrl = flags.toxiproxyUrl ?? (process.env['TOXIPROXY_URL'] || undefined);
  if (toxiproxyUrl !== undefined && !URL.canParse(toxiproxyUrl)) {
    throw new UsageError(
      '--toxiproxy-url',
      `'${toxiproxyUrl}' is not a URL like http://127.0.0.1:8474`,
    );
  }
  const scenarios = (flags.scenario ?? SCENARIOS.map((s) => s.name)).map((name) => {
    const found = findScenario(name);
    if (!found) {
      throw new UsageError(
        '--scenario',
        `no scenario '${name}'; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
      );
    }
    return found;
  });
  const agent = agentSpecFromFlags(flags);
  if (agent) await checkAgentSpec(agent);
  const deployment = await loadDeployment(flags.deployment);
  const startedAt = new Date();
  const outDir = resolve(flags.out ?? `runs/${startedAt.toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(outDir, { recursive: true });

  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(
    `nats-chaos: deployment ${deployment.deployment.name}, backend ${flags.backend}, seed ${seed}`,
  );
  say(`nats-chaos: replay with --seed ${seed}; run directory ${outDir}`);
  const agentFlag = agent?.kind === 'image' ? '--agent-image' : '--agent-cmd';
  if (agent) say(`nats-chaos: your agent (${agentFlag}) runs in place of the reference agent`);

  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    say(`[${scenario.name}] ${scenario.description}`);
    results.push(
      await runScenario(scenario, {
        deployment,
        backend: flags.backend as BackendName,
        seed,
        outDir,
        onProgress: say,
        toxiproxyUrl,
        images: { nats: flags.natsImage, toxiproxy: flags.toxiproxyImage },
        agent,
      }),
    );
  }

  const summary = buildResults(
    {
      deployment: deployment.deployment.name,
      backend: flags.backend,
      seed,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    },
    results,
    judgeClaims(CLAIMS, results),
  );
  const file = await writeResults(outDir, summary);
  const reports = await writeRunReports(outDir, summary);
  process.stdout.write(`\n${formatVerdictTable(summary)}\n\nresults: ${file}\n`);
  process.stdout.write(`reports: ${reports.join(', ')}\n`);
  return exitCodeFor(summary.verdict);
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError('--seed', `'${text}' is not a whole number from 0 to ${0xffffffff}`);
  }
  return seed;
}
