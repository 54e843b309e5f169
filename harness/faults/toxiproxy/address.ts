import { isIPv6, type AddressInfo, type Server } from 'node:net';
import { ToxiproxyListenError, ToxiproxyPortInUseError, type ListenerOwner } from './errors.ts';

/** A `host:port` pair. An empty host means every interface, as in Go's `net.Listen`. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Splits `host:port`, `[v6]:port` or `:port`. Returns `undefined` when the text is not of that
 * shape or the port is not a number from 0 to 65535; the caller words the error.
 */
export function parseHostPort(text: string): HostPort | undefined {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return undefined;

  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;

  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return undefined; // a bare IPv6 address needs brackets
  return { host, port };
}

/** An address a server got: its host and port, and the two as Toxiproxy prints them. */
export interface BoundAddress extends HostPort {
  text: string;
}

/** The inverse of `parseHostPort`, bracketing IPv6 addresses as Go does. */
export function formatHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Binds `server` and returns the address it really got, so that port 0 turns into the port the
 * system picked. `localhost` binds 127.0.0.1, the address Go's resolver gives Toxiproxy first;
 * an empty host binds every interface.
 */
export async function listenTcp(
  server: Server,
  where: HostPort,
  owner: ListenerOwner,
): Promise<BoundAddress> {
  const host = where.host === 'localhost' ? '127.0.0.1' : where.host;
  const wanted = formatHostPort(host || '0.0.0.0', where.port);

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new ToxiproxyPortInUseError(wanted, owner));
      else reject(new ToxiproxyListenError(wanted, owner, err.code ?? err.message));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(host === '' ? { port: where.port } : { host, port: where.port });
  });

  const bound = server.address() as AddressInfo;
  return { host: bound.address, port: bound.port, text: formatHostPort(bound.address, bound.port) };
}
