import { Stage, type ChunkSink, type DetachReason, type StageContext } from './stage.ts';
import type { ToxicAttributes } from './toxic-spec.ts';

/** `slow_close`: bytes pass untouched; a close waits `delay` ms before it is passed on. */
export class SlowCloseStage extends Stage<ToxicAttributes['slow_close']> {
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  write(chunk: Buffer): void {
    this.next.write(chunk);
  }

  end(): void {
    if (this.closing) return;
    this.closing = true;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.next.end();
    }, this.attributes.delay);
  }

  override detach(reason: DetachReason): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.next.end();
    }
    super.detach(reason);
  }

  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }
}

/**
 * `timeout`: drops every byte and closes this direction after `timeout` ms; with 0 it holds the
 * connection open and silent for as long as the toxic stays. Removing the toxic closes the
 * connection, as Toxiproxy does: the bytes it dropped are gone, so the stream is broken anyway.
 */
export class TimeoutStage extends Stage<ToxicAttributes['timeout']> {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(next: ChunkSink, context: StageContext, attributes: ToxicAttributes['timeout']) {
    super(next, context, attributes);
    this.arm();
  }

  write(chunk: Buffer): void {
    this.context.discarded(chunk.length);
  }

  end(): void {
    this.close();
  }

  override update(attributes: ToxicAttributes['timeout']): void {
    super.update(attributes);
    clearTimeout(this.timer);
    this.arm(); // Toxiproxy restarts the toxic on an update, and with it the clock
  }

  override detach(reason: DetachReason): void {
    if (reason === 'remove') this.close();
    super.detach(reason);
  }

  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }

  private arm(): void {
    if (this.closed || this.attributes.timeout <= 0) return;
    this.timer = setTimeout(() => this.close(), this.attributes.timeout);
  }

  private close(): void {
    clearTimeout(this.timer);
    if (this.closed || this.disposed) return;
    this.closed = true;
    this.next.end();
  }
}

/**
 * `reset_peer`: once data (or a close) reaches the toxic, it waits `timeout` ms and then resets
 * both sides with a TCP RST. Like Toxiproxy, an idle connection is left alone until it sends.
 */
export class ResetPeerStage extends Stage<ToxicAttributes['reset_peer']> {
  private timer: NodeJS.Timeout | undefined;

  write(chunk: Buffer): void {
    this.context.discarded(chunk.length);
    this.arm();
  }

  end(): void {
    this.arm();
  }

  override update(attributes: ToxicAttributes['reset_peer']): void {
    super.update(attributes);
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.arm();
  }

  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }

  private arm(): void {
    if (this.timer !== undefined || this.disposed) return;
    this.timer = setTimeout(() => {
      if (!this.disposed) this.context.reset();
    }, this.attributes.timeout);
  }
}

/** What `limit_data` has let through on one direction; it outlives updates of the toxic. */
export interface LimitDataState {
  transmitted: number;
}

/** `limit_data`: lets `bytes` bytes through, then closes this direction and drops the rest. */
export class LimitDataStage extends Stage<ToxicAttributes['limit_data']> {
  private closed = false;

  constructor(
    next: ChunkSink,
    context: StageContext,
    attributes: ToxicAttributes['limit_data'],
    private readonly state: LimitDataState,
  ) {
    super(next, context, attributes);
  }

  write(chunk: Buffer): void {
    if (this.closed) {
      this.context.discarded(chunk.length);
      return;
    }

    const remaining = Math.max(0, this.attributes.bytes - this.state.transmitted);
    const passed = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
    if (passed.length < chunk.length) this.context.discarded(chunk.length - passed.length);
    if (passed.length > 0) {
      this.state.transmitted += passed.length;
      this.next.write(passed);
    }

    if (this.state.transmitted >= this.attributes.bytes) this.end();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.next.end();
  }
}
