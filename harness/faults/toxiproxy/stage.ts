/**
 * A toxic acting on one direction of one connection. Bytes flow through a chain of stages, one
 * per toxic in the order the toxics were added, and the last one hands them to the socket.
 * Stages can be added, changed and removed while the connection runs, which is why each keeps
 * a replaceable `next` instead of a fixed pipe.
 */
export interface ChunkSink {
  /** Bytes, in order. */
  write(chunk: Buffer): void;
  /** No more bytes will come: the side that sent them closed, or a toxic closed this direction. */
  end(): void;
}

/** What a stage may do to its connection beyond passing bytes on. */
export interface StageContext {
  /** Bytes the stage threw away, so the link's flow control does not wait for them. */
  discarded(bytes: number): void;
  /** Tear the whole connection down with a TCP RST to both sides. */
  reset(): void;
}

/**
 * Why a stage leaves the chain: `remove` when its toxic is deleted (or the proxy reset),
 * `unaffected` when a new toxicity draw leaves this connection alone.
 */
export type DetachReason = 'remove' | 'unaffected';

/** A stage; the subclasses are the toxic types, plus `PassStage` for unaffected connections. */
export abstract class Stage<A = unknown> implements ChunkSink {
  /** Where bytes go next; the link rewires it when the chain changes. */
  next: ChunkSink;
  /** True once the connection is gone: timers must not fire into it any more. */
  protected disposed = false;

  constructor(
    next: ChunkSink,
    protected readonly context: StageContext,
    protected attributes: A,
  ) {
    this.next = next;
  }

  abstract write(chunk: Buffer): void;
  abstract end(): void;

  /** New attributes for the same toxic; they apply from now on, held bytes keep their schedule. */
  update(attributes: A): void {
    this.attributes = attributes;
  }

  /**
   * The stage leaves the chain: it hands whatever it holds (bytes, a delayed close) to `next`
   * at once, so that nothing is lost or reordered, and cancels its timers.
   */
  detach(_reason: DetachReason): void {
    this.dispose();
  }

  /** The connection is gone: cancel timers and forget held bytes. */
  dispose(): void {
    this.disposed = true;
  }
}

/** The stage of a toxic whose toxicity draw spared this connection: bytes pass untouched. */
export class PassStage extends Stage {
  write(chunk: Buffer): void {
    this.next.write(chunk);
  }

  end(): void {
    this.next.end();
  }
}
