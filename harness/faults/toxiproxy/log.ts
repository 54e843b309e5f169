import { logger } from '../../logger.ts';

/** Lifecycle of the API server, proxies and toxics: one line per event. */
export const log = logger('toxiproxy');

/**
 * Connections opening and closing. Kept apart because a cluster opens many of them:
 * `DEBUG=nats-chaos:toxiproxy` stays quiet about them, `DEBUG=nats-chaos:toxiproxy*` shows them.
 */
export const connectionLog = logger('toxiproxy:connection');
