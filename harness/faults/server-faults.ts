import type { FaultTarget, StartedSupercluster } from '../backends/supercluster.ts';
import { snapshotGateways } from '../backends/readiness.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { FaultKind, FaultRecord } from '../history/types.ts';
import { logger } from '../logger.ts';
import { siteName } from '../topology/plan.ts';
import { pollUntil } from '../wait.ts';
import { FaultNotEffectiveError } from './fault-errors.ts';

const log = logger('faults');

type ServerFault = Extract<FaultKind, 'kill' | 'stop' | 'pause'>;

/**
 * Faults that act on servers through the backend (kill, stop, pause) and their heals (restart,
 * resume). Each is recorded in faults.jsonl and verified before the call returns: the servers
 * are gone, and the surviving servers' /gatewayz no longer shows a link to them. A fault that
 * cannot be verified throws FaultNotEffectiveError, which makes the run `unknown`.
 */
export class ServerFaults {
  constructor(
    private readonly cluster: StartedSupercluster,
    private readonly recorder: HistoryRecorder,
    private readonly verifyTimeoutMs = 20_000,
  ) {}

  async inject(kind: ServerFault, target: FaultTarget): Promise<FaultRecord> {
    const label = describe(target);
    const fault = this.recorder.startFault({ kind, target: recordTarget(target) });
    log('%s: %s', label, kind);
    if (kind === 'kill') await this.cluster.kill(target);
    else if (kind === 'stop') await this.cluster.stop(target);
    else await this.cluster.pause(target);

    try {
      await this.verifyCut(target, kind);
    } catch (err) {
      throw new FaultNotEffectiveError(
        kind,
        label,
        err instanceof Error ? err.message : String(err),
      );
    }
    this.recorder.markFault(fault, 'effective');
    log('%s: %s verified after %d ms', label, kind, Math.round(fault.effective! - fault.start));
    return fault;
  }

  /** Restarts or resumes what `fault` took down and waits until the supercluster is whole. */
  async heal(fault: FaultRecord, target: FaultTarget): Promise<void> {
    this.recorder.markFault(fault, 'end');
    if (fault.kind === 'pause') await this.cluster.resume(target);
    else await this.cluster.restart(target);
    await this.cluster.waitReady();
    this.recorder.markFault(fault, 'healed');
    log('%s: healed after %d ms', describe(target), Math.round(fault.healed! - fault.end!));
  }

  /**
   * A whole site taken down is verified when no surviving server keeps an outbound gateway to
   * it; a single server, when its site-mates no longer route to it (it is absent from their
   * view) — for a pause this takes the ping timeout, for a kill it is immediate.
   */
  private async verifyCut(target: FaultTarget, kind: ServerFault) {
    const down = new Set(this.cluster.select(target).map((s) => s.plan.id));
    const survivors = this.cluster.servers.filter((s) => !down.has(s.plan.id));
    const monitored = survivors.map((s) => ({
      id: s.plan.id,
      name: s.plan.name,
      siteName: s.plan.siteName,
      monitorUrl: s.monitorUrl,
    }));
    if (target.server === undefined) {
      const site = siteName(target.site);
      const others = monitored.filter((s) => s.siteName !== site);
      await pollUntil(
        async () => {
          const snap = await snapshotGateways(others);
          return [...snap.outbound.values()].every((links) => !links.includes(site))
            ? true
            : undefined;
        },
        { timeoutMs: this.verifyTimeoutMs, condition: `no gateway to ${site} after ${kind}` },
      );
      return;
    }
    await pollUntil(
      async () =>
        this.cluster.select(target).every((s) => s.status() !== 'running') ? true : undefined,
      { timeoutMs: this.verifyTimeoutMs, condition: `${describe(target)} down after ${kind}` },
    );
  }
}

export function describe(target: FaultTarget): string {
  return target.server === undefined
    ? siteName(target.site)
    : `${siteName(target.site)}/n${target.server}`;
}

function recordTarget(target: FaultTarget): FaultRecord['target'] {
  return target.server === undefined
    ? { site: siteName(target.site) }
    : { site: siteName(target.site), server: `${siteName(target.site)}-n${target.server}` };
}
