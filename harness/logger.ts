import createDebug from 'debug';

/**
 * A namespaced logger over `debug`: `DEBUG=nats-chaos:*` shows everything, `DEBUG=nats-chaos:faults`
 * only faults. Each line should start with what it is about (`site-2/n1`, `proxy gw-s1-s2`).
 * Never log a seed, a password or a token.
 */
export function logger(namespace: string): createDebug.Debugger {
  return createDebug(`nats-chaos:${namespace}`);
}
