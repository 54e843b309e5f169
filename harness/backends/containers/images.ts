/**
 * The images the container backend runs. The defaults are the official images, which a
 * machine with a registry pulls on first use; `npm run images` builds local stand-ins from the
 * host's own binaries for machines that can pull nothing, and the two variables point the
 * backend at them.
 */

/** The image for every nats-server container, and the Toxiproxy container of the proxy mesh. */
export interface ContainerImages {
  nats: string;
  toxiproxy: string;
}

/** The official NATS image the backend uses unless told otherwise. */
export const DEFAULT_NATS_IMAGE = 'nats:2.10-alpine';
/** The official Toxiproxy image the backend uses unless told otherwise. */
export const DEFAULT_TOXIPROXY_IMAGE = 'ghcr.io/shopify/toxiproxy:2.12.0';

/** Built by `npm run images`: the host's nats-server binary and its libraries, nothing else. */
export const LOCAL_NATS_IMAGE = 'nats-chaos/nats-server:local';
/** Built by `npm run images`: the host's node running the built-in Toxiproxy-compatible server. */
export const LOCAL_TOXIPROXY_IMAGE = 'nats-chaos/toxiproxy:local';

/** The label every locally built image carries, so they can be listed and removed together. */
export const LOCAL_IMAGE_LABEL = 'org.nats-chaos.image';

/**
 * The images to run: `NATS_CHAOS_NATS_IMAGE` and `NATS_CHAOS_TOXIPROXY_IMAGE` when set (an
 * empty value counts as unset), else the official images.
 */
export function containerImages(env: NodeJS.ProcessEnv = process.env): ContainerImages {
  return {
    nats: env['NATS_CHAOS_NATS_IMAGE'] || DEFAULT_NATS_IMAGE,
    toxiproxy: env['NATS_CHAOS_TOXIPROXY_IMAGE'] || DEFAULT_TOXIPROXY_IMAGE,
  };
}
