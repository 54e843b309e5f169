import {
  LimitDataStage,
  ResetPeerStage,
  SlowCloseStage,
  TimeoutStage,
  type LimitDataState,
} from './closing-stages.ts';
import { PassStage, type ChunkSink, type Stage, type StageContext } from './stage.ts';
import { BandwidthStage, LatencyStage, SlicerStage } from './timing-stages.ts';
import type { ToxicSpec } from './toxic-spec.ts';

/** State a toxic keeps per connection and direction across updates of its attributes. */
export type ToxicState = LimitDataState;

/** A fresh `ToxicState`. */
export function newToxicState(): ToxicState {
  return { transmitted: 0 };
}

/**
 * The stage for `spec` on one direction of one connection, or a `PassStage` when the toxicity
 * draw spared this connection.
 */
export function createStage(
  spec: ToxicSpec,
  affected: boolean,
  next: ChunkSink,
  context: StageContext,
  state: ToxicState,
): Stage {
  if (!affected) return new PassStage(next, context, undefined);

  switch (spec.type) {
    case 'latency':
      return new LatencyStage(next, context, spec.attributes);
    case 'bandwidth':
      return new BandwidthStage(next, context, spec.attributes);
    case 'slicer':
      return new SlicerStage(next, context, spec.attributes);
    case 'slow_close':
      return new SlowCloseStage(next, context, spec.attributes);
    case 'timeout':
      return new TimeoutStage(next, context, spec.attributes);
    case 'reset_peer':
      return new ResetPeerStage(next, context, spec.attributes);
    case 'limit_data':
      return new LimitDataStage(next, context, spec.attributes, state);
  }
}
