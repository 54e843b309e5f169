import { Stage, type DetachReason } from './stage.ts';
import type { ToxicAttributes } from './toxic-spec.ts';

/** A chunk and the moment it may leave; no chunk stands for the close that follows the bytes. */
interface Scheduled {
  at: number;
  chunk: Buffer | undefined;
}

/**
 * `latency`: every chunk leaves `latency` ms (plus or minus up to `jitter` ms) after it came
 * in. A chunk never overtakes the one before it, so the order of bytes is kept even when a
 * later chunk draws a shorter delay; the close follows the last chunk without extra delay.
 */
export class LatencyStage extends Stage<ToxicAttributes['latency']> {
  private readonly queue: Scheduled[] = [];
  private lastAt = 0;
  private timer: NodeJS.Timeout | undefined;

  write(chunk: Buffer): void {
    this.schedule(chunk, this.delay());
  }

  end(): void {
    this.schedule(undefined, 0);
  }

  override detach(reason: DetachReason): void {
    this.cancelTimer();
    this.release(Number.POSITIVE_INFINITY);
    super.detach(reason);
  }

  override dispose(): void {
    this.cancelTimer();
    this.queue.length = 0;
    super.dispose();
  }

  private delay(): number {
    const { latency, jitter } = this.attributes;
    const offset = jitter > 0 ? Math.floor(Math.random() * 2 * jitter) - jitter : 0;
    return Math.max(0, latency + offset);
  }

  private schedule(chunk: Buffer | undefined, delay: number): void {
    const at = Math.max(performance.now() + delay, this.lastAt);
    this.lastAt = at;
    this.queue.push({ at, chunk });
    this.arm();
  }

  private arm(): void {
    const head = this.queue[0];
    if (this.timer !== undefined || this.disposed || head === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        // Nothing leaves before its time, as in Toxiproxy: a timer that fired a fraction early
        // (timers run on a millisecond clock) releases nothing and is armed again.
        this.release(performance.now());
        this.arm();
      },
      Math.max(0, head.at - performance.now()),
    );
  }

  private release(upTo: number): void {
    while (this.queue.length > 0 && this.queue[0]!.at <= upTo) {
      const { chunk } = this.queue.shift()!;
      if (chunk === undefined) this.next.end();
      else this.next.write(chunk);
    }
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * `bandwidth`: bytes leave at `rate` KB/s (1 KB/s is one byte per millisecond). Large chunks go
 * out in slices of 100 ms worth, so a slow link trickles rather than stalls and bursts. The
 * schedule runs on a virtual clock, so timer overshoot does not add up over a long transfer.
 */
export class BandwidthStage extends Stage<ToxicAttributes['bandwidth']> {
  private readonly queue: Buffer[] = [];
  private endHeld = false;
  private due = 0;
  private timer: NodeJS.Timeout | undefined;

  write(chunk: Buffer): void {
    this.queue.push(chunk);
    this.pump();
  }

  end(): void {
    this.endHeld = true;
    this.pump();
  }

  override detach(reason: DetachReason): void {
    this.cancelTimer();
    this.flush();
    super.detach(reason);
  }

  override dispose(): void {
    this.cancelTimer();
    this.queue.length = 0;
    super.dispose();
  }

  private pump(): void {
    if (this.timer !== undefined || this.disposed) return;
    const rate = this.attributes.rate;
    const head = this.queue[0];
    if (rate <= 0 || head === undefined) {
      this.flush(); // rate 0 means unlimited, as in Toxiproxy
      return;
    }

    const piece = head.subarray(0, Math.max(1, rate * 100));
    const now = performance.now();
    this.due = Math.max(this.due, now) + piece.length / rate;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (piece.length === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(piece.length);
      this.next.write(piece);
      this.pump();
    }, this.due - now);
  }

  private flush(): void {
    for (const chunk of this.queue.splice(0)) this.next.write(chunk);
    if (this.endHeld) {
      this.endHeld = false;
      this.next.end();
    }
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * `slicer`: each chunk is cut into slices of about `average_size` bytes (plus or minus up to
 * `size_variation`), with a pause of `delay` microseconds after each slice. Timers have a
 * millisecond grain, so pauses under 1000 µs last about a millisecond.
 */
export class SlicerStage extends Stage<ToxicAttributes['slicer']> {
  private readonly queue: Buffer[] = [];
  private endHeld = false;
  private timer: NodeJS.Timeout | undefined;

  write(chunk: Buffer): void {
    this.queue.push(...this.slice(chunk));
    this.pump();
  }

  end(): void {
    this.endHeld = true;
    this.pump();
  }

  override detach(reason: DetachReason): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const slice of this.queue.splice(0)) this.next.write(slice);
    if (this.endHeld) this.next.end();
    this.endHeld = false;
    super.detach(reason);
  }

  override dispose(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
    super.dispose();
  }

  private slice(chunk: Buffer): Buffer[] {
    const { average_size: average, size_variation: variation } = this.attributes;
    if (average <= 0) return [chunk];

    const slices: Buffer[] = [];
    for (let offset = 0; offset < chunk.length;) {
      const wobble =
        variation > 0 ? Math.floor(Math.random() * (2 * variation + 1)) - variation : 0;
      const size = Math.max(1, average + wobble);
      slices.push(chunk.subarray(offset, offset + size));
      offset += size;
    }
    return slices;
  }

  private pump(): void {
    if (this.timer !== undefined || this.disposed) return;
    const pauseMs = this.attributes.delay / 1000;

    for (let slice = this.queue.shift(); slice !== undefined; slice = this.queue.shift()) {
      this.next.write(slice);
      if (pauseMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, pauseMs);
        return;
      }
    }

    if (this.endHeld) {
      this.endHeld = false;
      this.next.end();
    }
  }
}
