import { HarnessError } from '../errors.ts';

/** A fault was injected but could not be verified to have taken effect: the run is `unknown`. */
export class FaultNotEffectiveError extends HarnessError {
  readonly code = 'FAULT_NOT_EFFECTIVE';
  constructor(
    readonly fault: string,
    readonly target: string,
    reason: string,
  ) {
    super(`${target}: ${fault} did not take effect: ${reason}`);
    this.name = 'FaultNotEffectiveError';
  }
}

/** A network fault was asked of a supercluster started without the proxy mesh. */
export class MeshMissingError extends HarnessError {
  readonly code = 'MESH_MISSING';
  constructor() {
    super('network faults need the proxy mesh: start the supercluster with network "proxied"');
    this.name = 'MeshMissingError';
  }
}

/** The Toxiproxy API the harness was pointed at does not answer. */
export class ToxiproxyUnavailableError extends HarnessError {
  readonly code = 'TOXIPROXY_UNAVAILABLE';
  constructor(
    readonly url: string,
    problem: string,
  ) {
    super(
      `no Toxiproxy API answers at ${url} (${problem}): start Toxiproxy there, or drop ` +
        '--toxiproxy-url and TOXIPROXY_URL to use the built-in server',
    );
    this.name = 'ToxiproxyUnavailableError';
  }
}

/** A fault was asked of a server in a state it cannot apply to (wiping a running server). */
export class FaultStateError extends HarnessError {
  readonly code = 'FAULT_WRONG_STATE';
  constructor(
    readonly server: string,
    readonly fault: string,
    readonly state: string,
  ) {
    super(`${server}: cannot ${fault} while it is ${state}; stop or kill it first, then ${fault}`);
    this.name = 'FaultStateError';
  }
}
