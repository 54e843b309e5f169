import type { Scenario } from '../harness/scenario/scenario.ts';
import { countWindow, percentile } from '../harness/scenario/window-figures.ts';

/** The WAN the scenario simulates on every gateway link, each way, ms. */
const LATENCY = { latency: 100, jitter: 20 };

/**
 * 100 ms +- 20 ms on every gateway link while the agent works on a site that is not the
 * bucket's home, so every KV operation crosses a gateway to the stream's leader and back. The
 * workload must keep working (no stretch of failures longer than the request timeout allows)
 * and the scenario reports the latency the agent saw before and during the fault.
 */
export const wanLatency: Scenario = {
  name: 'wan-latency',
  description:
    '100 ms +- 20 ms latency on every gateway link while the agent works away from the home ' +
    'site; the workload keeps working; report the latency it saw',
  checks: [
    'credential-continuity',
    'acknowledged-writes',
    'kv-consistency',
    'replica-agreement',
    'availability',
  ],
  // A WAN slows operations down; it must not stop them for long.
  checkOptions: { maxUnavailableMs: 10_000 },
  async run(ctx) {
    const home = ctx.cluster.deployment.bucket.homeSite;
    const agent = await ctx.startAgent('agent-1', { preferredSite: home === 2 ? 3 : 2 });
    if (!(await ctx.waitForAgent(agent, '30 ok operations', (p) => p.ok >= 30))) return;
    const before = { from: 0, to: ctx.now() };

    ctx.progress(
      `adding ${LATENCY.latency} ms +- ${LATENCY.jitter} ms latency on every gateway link`,
    );
    const fault = await ctx.network.degrade('latency', { kind: 'gateway' }, LATENCY);
    ctx.figures['gatewayRoundTripMs'] = Number(fault.details?.['measuredRoundTripMs']);
    const okAtFault = agent.progress.ok;
    await ctx.waitForAgent(
      agent,
      '30 ok operations under latency',
      (p) => p.ok >= okAtFault + 30,
      60_000,
    );

    ctx.progress('removing the latency');
    await ctx.network.heal(fault);
    const during = { from: fault.effective!, to: fault.end! };
    for (const [label, window] of [
      ['Before', before],
      ['During', during],
    ] as const) {
      const latencies = (['read', 'write'] as const).flatMap(
        (kind) => countWindow(ctx.history(), { process: agent.id, kind, ...window }).okLatenciesMs,
      );
      ctx.figures[`p50LatencyMs${label}`] = Math.round(percentile(latencies, 50));
      ctx.figures[`p99LatencyMs${label}`] = Math.round(percentile(latencies, 99));
    }
    ctx.notes.push(
      `operation latency p50 ${ctx.figures['p50LatencyMsBefore']} ms before, ` +
        `${ctx.figures['p50LatencyMsDuring']} ms with WAN latency ` +
        `(gateway round trip ${ctx.figures['gatewayRoundTripMs']} ms)`,
    );

    const okAfter = agent.progress.ok;
    await ctx.waitForAgent(agent, '10 ok operations after the heal', (p) => p.ok >= okAfter + 10);
  },
};
