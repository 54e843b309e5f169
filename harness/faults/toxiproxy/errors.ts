import { HarnessError } from '../../errors.ts';

/**
 * What a listening socket is for, named the way a user knows it: `Toxiproxy API` or
 * `proxy gw-s1-s2`.
 */
export type ListenerOwner = string;

/**
 * The Toxiproxy API port, or the listen port of a proxy, is taken by another program (often a
 * real Toxiproxy, or a previous run that did not stop).
 */
export class ToxiproxyPortInUseError extends HarnessError {
  readonly code = 'TOXIPROXY_PORT_IN_USE';
  constructor(
    readonly address: string,
    readonly owner: ListenerOwner,
  ) {
    super(
      `${owner}: cannot listen on ${address}, the address is already in use; stop the program ` +
        `holding it (a real Toxiproxy or an earlier run?) or choose another port (0 picks a free one)`,
    );
    this.name = 'ToxiproxyPortInUseError';
  }
}

/**
 * A listen address could not be bound for another reason than being taken: the host is not an
 * address of this machine, the name does not resolve, or the port needs privileges.
 */
export class ToxiproxyListenError extends HarnessError {
  readonly code = 'TOXIPROXY_LISTEN_FAILED';
  constructor(
    readonly address: string,
    readonly owner: ListenerOwner,
    readonly reason: string,
  ) {
    super(
      `${owner}: cannot listen on ${address} (${reason}); use an address of this machine such ` +
        `as 127.0.0.1 and a port above 1023, or 0 for a free one`,
    );
    this.name = 'ToxiproxyListenError';
  }
}

/**
 * The proxies file given with `-config` (Toxiproxy's own flag) cannot be read or is not a JSON
 * array of proxies with `name`, `listen` and `upstream`.
 */
export class ToxiproxyConfigError extends HarnessError {
  readonly code = 'TOXIPROXY_CONFIG_INVALID';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `${file}: ${reason}; the file must hold a JSON array of proxies such as ` +
        `[{"name": "n1", "listen": "0.0.0.0:20000", "upstream": "n1:4222"}]`,
    );
    this.name = 'ToxiproxyConfigError';
  }
}
