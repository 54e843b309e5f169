import type { Socket } from 'node:net';
import { Link } from './link.ts';
import { connectionLog, log } from './log.ts';
import type { ToxicSpec, ToxicStream } from './toxic-spec.ts';

/**
 * One client connection through a proxy: the accepted client socket, the socket to the
 * upstream, and a link for each direction. It ends when both sockets have closed.
 */
export class Connection {
  /** The client's address, which names the connection in logs. */
  readonly client: string;
  private readonly links: Record<ToxicStream, Link>;
  private openSockets = 2;
  private upstreamConnected = false;

  constructor(
    private readonly proxy: string,
    private readonly clientSocket: Socket,
    private readonly upstreamSocket: Socket,
    private readonly upstream: string,
    toxics: readonly ToxicSpec[],
    private readonly onClosed: (connection: Connection) => void,
  ) {
    this.client = `${clientSocket.remoteAddress}:${clientSocket.remotePort}`;
    const reset = (toxic: string): void => this.reset(`toxic ${toxic}`);
    const of = (stream: ToxicStream): ToxicSpec[] => toxics.filter((t) => t.stream === stream);
    this.links = {
      upstream: new Link('upstream', clientSocket, upstreamSocket, of('upstream'), reset),
      downstream: new Link('downstream', upstreamSocket, clientSocket, of('downstream'), reset),
    };

    upstreamSocket.once('connect', () => (this.upstreamConnected = true));
    clientSocket.on('error', (err) => this.onError('client', err));
    upstreamSocket.on('error', (err) => this.onError('upstream', err));
    clientSocket.once('close', () => this.onSocketClosed());
    upstreamSocket.once('close', () => this.onSocketClosed());
    connectionLog('proxy %s connection %s opened to %s', proxy, this.client, upstream);
  }

  /** Puts a new toxic on the matching direction. */
  addToxic(spec: ToxicSpec): void {
    this.links[spec.stream].addToxic(spec);
  }

  /** Applies changed attributes or toxicity of a toxic. */
  updateToxic(spec: ToxicSpec): void {
    this.links[spec.stream].updateToxic(spec);
  }

  /** Takes a toxic off its direction. */
  removeToxic(spec: ToxicSpec): void {
    this.links[spec.stream].removeToxic(spec.name);
  }

  /** Closes both sockets now, as disabling or deleting the proxy does. */
  close(): void {
    this.disposeLinks();
    this.clientSocket.destroy();
    this.upstreamSocket.destroy();
  }

  /** Sends a TCP RST to both sides. */
  reset(reason: string): void {
    connectionLog('proxy %s connection %s reset by %s', this.proxy, this.client, reason);
    this.disposeLinks();
    for (const socket of [this.clientSocket, this.upstreamSocket]) {
      try {
        socket.resetAndDestroy();
      } catch {
        socket.destroy(); // the socket was already closed: a plain destroy is all that is left
      }
    }
  }

  private disposeLinks(): void {
    this.links.upstream.dispose();
    this.links.downstream.dispose();
  }

  private onError(side: 'client' | 'upstream', err: NodeJS.ErrnoException): void {
    if (side === 'upstream' && !this.upstreamConnected) {
      log(
        'proxy %s cannot reach upstream %s (%s); closing client %s',
        this.proxy,
        this.upstream,
        err.code ?? err.message,
        this.client,
      );
      return;
    }
    connectionLog('proxy %s connection %s %s error: %s', this.proxy, this.client, side, err.code);
  }

  private onSocketClosed(): void {
    this.openSockets -= 1;
    if (this.openSockets > 0) return;
    this.disposeLinks();
    connectionLog('proxy %s connection %s closed', this.proxy, this.client);
    this.onClosed(this);
  }
}
