/**
 * A Toxiproxy-compatible server: Toxiproxy's HTTP API (v2) and TCP proxying with its toxics,
 * for machines where the Toxiproxy binary cannot be installed. Drive it with
 * `toxiproxy-node-client`, so that a real Toxiproxy can take its place unchanged.
 */
export {
  DEFAULT_TOXIPROXY_PORT,
  startToxiproxyServer,
  type ToxiproxyServer,
  type ToxiproxyServerOptions,
} from './server.ts';
export { runToxiproxyCommand, type ToxiproxyCommandOptions } from './standalone.ts';
export { parseServerFlags, type ServerFlags } from './server-flags.ts';
export { ToxiproxyConfigError, ToxiproxyListenError, ToxiproxyPortInUseError } from './errors.ts';
export { TOXIPROXY_VERSION } from './http-api.ts';
export {
  TOXIC_TYPES,
  type ToxicAttributes,
  type ToxicSpec,
  type ToxicStream,
  type ToxicType,
} from './toxic-spec.ts';
