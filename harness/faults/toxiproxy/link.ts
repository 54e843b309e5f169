import type { Socket } from 'node:net';
import { createStage, newToxicState, type ToxicState } from './create-stage.ts';
import type { ChunkSink, Stage, StageContext } from './stage.ts';
import type { ToxicSpec, ToxicStream } from './toxic-spec.ts';

/**
 * Bytes read but not yet written out, above which the link stops reading its source. Toxics
 * that hold bytes (latency, bandwidth) would otherwise buffer without bound; pausing pushes back
 * on the sender through TCP, as Toxiproxy's bounded channels do.
 */
const PAUSE_ABOVE_BYTES = 256 * 1024;
const RESUME_BELOW_BYTES = 64 * 1024;

/** One toxic on this link: its spec, whether this connection drew it, and its stage. */
interface Slot {
  spec: ToxicSpec;
  affected: boolean;
  state: ToxicState;
  stage: Stage;
}

/** `toxicity` is drawn once per connection (and again when the toxic is updated). */
function drawAffected(toxicity: number): boolean {
  return Math.random() < toxicity;
}

/**
 * One direction of a proxied connection: bytes read from `source` run through the stages of
 * this direction's toxics, in the order they were added, and are written to `destination`.
 * When the chain closes, the destination is closed both ways once its bytes are flushed, as
 * Toxiproxy closes the whole socket; the other direction then sees its source end.
 */
export class Link {
  private readonly slots: Slot[] = [];
  private readonly sink: ChunkSink;
  private head: ChunkSink;
  private held = 0;
  private paused = false;
  private inputDone = false;
  private outputDone = false;
  private disposed = false;

  constructor(
    readonly stream: ToxicStream,
    private readonly source: Socket,
    private readonly destination: Socket,
    toxics: readonly ToxicSpec[],
    private readonly onReset: (toxic: string) => void,
  ) {
    this.sink = {
      write: (chunk) => {
        this.held -= chunk.length;
        if (!this.outputDone && destination.writable) destination.write(chunk);
        this.adjustFlow();
      },
      end: () => {
        if (this.outputDone) return;
        this.outputDone = true;
        destination.destroySoon();
      },
    };
    this.head = this.sink;
    for (const spec of toxics) this.addToxic(spec);

    source.on('data', (chunk: Buffer) => this.onData(chunk));
    source.on('end', () => this.onInputEnd());
    source.on('close', () => this.onInputEnd());
    destination.on('drain', () => this.adjustFlow());
  }

  /** Appends a toxic at the end of the chain; bytes it holds from now on go out after it. */
  addToxic(spec: ToxicSpec): void {
    if (this.disposed) return;
    const state = newToxicState();
    const affected = drawAffected(spec.toxicity);
    const stage = createStage(spec, affected, this.sink, this.contextFor(spec.name), state);
    this.slots.push({ spec, affected, state, stage });
    this.rewire();
  }

  /** New attributes or toxicity for a toxic already on the chain, keeping its place. */
  updateToxic(spec: ToxicSpec): void {
    const slot = this.slots.find((candidate) => candidate.spec.name === spec.name);
    if (slot === undefined || this.disposed) return;

    const affected = drawAffected(spec.toxicity);
    slot.spec = spec;
    if (affected && slot.affected) {
      slot.stage.update(spec.attributes);
      return;
    }

    slot.stage.detach('unaffected');
    slot.affected = affected;
    slot.stage = createStage(spec, affected, this.sink, this.contextFor(spec.name), slot.state);
    this.rewire();
  }

  /** Takes a toxic off the chain; whatever it held goes on at once, in order. */
  removeToxic(name: string): void {
    const index = this.slots.findIndex((candidate) => candidate.spec.name === name);
    const slot = this.slots[index];
    if (slot === undefined || this.disposed) return;

    slot.stage.detach('remove');
    this.slots.splice(index, 1);
    this.rewire();
  }

  /** The connection is gone: stop every timer and ignore what still arrives. */
  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots) slot.stage.dispose();
  }

  private contextFor(toxic: string): StageContext {
    return {
      discarded: (bytes) => {
        this.held -= bytes;
        this.adjustFlow();
      },
      reset: () => this.onReset(toxic),
    };
  }

  private rewire(): void {
    let next = this.sink;
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const stage = this.slots[i]!.stage;
      stage.next = next;
      next = stage;
    }
    this.head = next;
  }

  private onData(chunk: Buffer): void {
    if (this.disposed || this.inputDone) return;
    this.held += chunk.length;
    this.head.write(chunk);
    this.adjustFlow();
  }

  private onInputEnd(): void {
    if (this.disposed || this.inputDone) return;
    this.inputDone = true;
    this.head.end();
  }

  private adjustFlow(): void {
    if (this.disposed) return;
    const pending = this.held + this.destination.writableLength;
    if (!this.paused && pending > PAUSE_ABOVE_BYTES) {
      this.paused = true;
      this.source.pause();
    } else if (this.paused && pending < RESUME_BELOW_BYTES) {
      this.paused = false;
      this.source.resume();
    }
  }
}
