import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { agentSpecFromFlags, checkAgentSpec, type AgentSpec } from '../agent/agent-contract.ts';
import { UsageError } from '../errors.ts';
import { BACKENDS, type BackendName } from '../backends/start-backend.ts';
import { formatRepeatTable, tallyRepeats } from '../report/flakiness.ts';
import {
  buildResults,
  exitCodeFor,
  writeResults,
  type RunResults,
} from '../report/results-file.ts';
import { formatVerdictTable } from '../report/verdict-table.ts';
import { writeRunReports } from '../report/write-reports.ts';
import { runScenario } from '../scenario/run-scenario.ts';
import type { Scenario, ScenarioResult } from '../scenario/scenario.ts';
import { loadDeployment, type LoadedDeployment } from '../topology/load-deployment.ts';
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
  /** Run the whole selection this many times with the same seed and tally the verdicts. */
  repeat?: string;
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
  const repetitions = flags.repeat === undefined ? 1 : parseRepeat(flags.repeat);
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

  const suite = { flags, scenarios, deployment, seed, toxiproxyUrl, agent, say };
  if (repetitions === 1) {
    const summary = await runSuite(suite, outDir, startedAt);
    return exitCodeFor(summary.verdict);
  }

  const runs: RunResults[] = [];
  for (let i = 1; i <= repetitions; i++) {
    say(`nats-chaos: repetition ${i} of ${repetitions}, seed ${seed}`);
    runs.push(await runSuite(suite, join(outDir, `repeat-${i}`), new Date()));
  }
  const tally = tallyRepeats(runs);
  const file = join(outDir, 'repeats.json');
  await writeFile(file, `${JSON.stringify(tally, null, 2)}\n`);
  process.stdout.write(`\n${formatRepeatTable(tally)}\n\nrepeats: ${file}\n`);
  // A flaky check leaves the verdict in doubt even when every repetition happened to pass.
  return tally.flaky > 0 && tally.verdict === 'pass' ? 2 : exitCodeFor(tally.verdict);
}

interface Suite {
  flags: RunFlags;
  scenarios: Scenario[];
  deployment: LoadedDeployment;
  seed: number;
  toxiproxyUrl?: string;
  agent?: AgentSpec;
  say: (line: string) => void;
}

/** Runs every scenario once into `outDir`, writes results.json and the reports, prints them. */
async function runSuite(suite: Suite, outDir: string, startedAt: Date): Promise<RunResults> {
  const { flags, deployment, seed, agent, say } = suite;
  await mkdir(outDir, { recursive: true });
  const results: ScenarioResult[] = [];
  for (const scenario of suite.scenarios) {
    say(`[${scenario.name}] ${scenario.description}`);
    results.push(
      await runScenario(scenario, {
        deployment,
        backend: flags.backend as BackendName,
        seed,
        outDir,
        onProgress: say,
        toxiproxyUrl: suite.toxiproxyUrl,
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
  return summary;
}

function parseRepeat(text: string): number {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new UsageError('--repeat', `'${text}' is not a whole number from 1 to 100`);
  }
  return count;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError('--seed', `'${text}' is not a whole number from 0 to ${0xffffffff}`);
  }
  return seed;
}
