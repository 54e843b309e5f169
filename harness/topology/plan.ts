import type { Deployment } from './deployment-schema.ts';

/** One server of a supercluster, as planned before anything starts. */
export interface ServerPlan {
  /** NATS server_name, unique in the supercluster: `site-2-n1`. */
  name: string;
  /** Short id for logs: `site-2/n1`. */
  id: string;
  /** Site number, from 1. */
  site: number;
  /** Site name, also the cluster and gateway name: `site-2`. */
  siteName: string;
  /** Server number within its site, from 1. */
  ordinal: number;
}

/** The sites and servers a deployment describes. */
export interface TopologyPlan {
  sites: string[];
  servers: ServerPlan[];
}

export function siteName(site: number): string {
  return `site-${site}`;
}

/** Lays out the sites and servers of a deployment, in a stable order. */
export function planTopology(deployment: Deployment): TopologyPlan {
  const sites: string[] = [];
  const servers: ServerPlan[] = [];
  for (let site = 1; site <= deployment.sites.count; site++) {
    sites.push(siteName(site));
    for (let ordinal = 1; ordinal <= deployment.sites.serversPerSite; ordinal++) {
      servers.push({
        name: `${siteName(site)}-n${ordinal}`,
        id: `${siteName(site)}/n${ordinal}`,
        site,
        siteName: siteName(site),
        ordinal,
      });
    }
  }
  return { sites, servers };
}
