import type { IncomingMessage, ServerResponse } from 'node:http';
import { toApiError, toxicNotFound } from './api-error.ts';
import { errorReply, readJsonBody, sendReply, type Reply } from './http-io.ts';
import type { ProxyCollection } from './proxy-collection.ts';
import { toxicJson } from './toxic-spec.ts';

/**
 * The Toxiproxy version this server answers `GET /version` with: the API it follows is that of
 * Toxiproxy 2.12.
 */
export const TOXIPROXY_VERSION = '2.12.0';

type Handler = (params: string[], request: IncomingMessage) => Promise<Reply>;

interface Route {
  path: RegExp;
  methods: Partial<Record<string, Handler>>;
}

const json = (status: number, body: unknown): Reply => ({ status, json: body });
const noContent: Reply = { status: 204 };

/**
 * The HTTP API of Toxiproxy 2 over a `ProxyCollection`. Requests run one at a time, as the
 * locks in Toxiproxy make them: a toxic added while a proxy restarts must not miss it.
 */
export class ToxiproxyApi {
  private queue: Promise<void> = Promise.resolve();
  private readonly routes: Route[];

  constructor(private readonly proxies: ProxyCollection) {
    const update: Handler = ([name], request) => this.updateProxy(name!, request);
    const updateToxic: Handler = ([name, toxic], request) =>
      this.updateToxic(name!, toxic!, request);

    this.routes = [
      { path: /^\/version$/, methods: { GET: async () => versionReply() } },
      { path: /^\/reset$/, methods: { POST: () => this.reset() } },
      { path: /^\/populate$/, methods: { POST: (_, request) => this.populate(request) } },
      {
        path: /^\/proxies$/,
        methods: {
          GET: async () => json(200, this.proxyIndex()),
          POST: (_, request) => this.createProxy(request),
        },
      },
      {
        path: /^\/proxies\/([^/]+)$/,
        methods: {
          GET: async ([name]) => json(200, this.proxies.get(name!)),
          POST: update,
          PATCH: update,
          DELETE: ([name]) => this.deleteProxy(name!),
        },
      },
      {
        path: /^\/proxies\/([^/]+)\/toxics$/,
        methods: {
          GET: async ([name]) => json(200, this.proxies.get(name!).listToxics().map(toxicJson)),
          POST: ([name], request) => this.createToxic(name!, request),
        },
      },
      {
        path: /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
        methods: {
          GET: async ([name, toxic]) => json(200, this.showToxic(name!, toxic!)),
          POST: updateToxic,
          PATCH: updateToxic,
          DELETE: ([name, toxic]) => this.deleteToxic(name!, toxic!),
        },
      },
    ];
  }

  /** The `node:http` request listener. */
  readonly listener = (request: IncomingMessage, response: ServerResponse): void => {
    const turn = this.queue.then(() => this.handle(request, response));
    this.queue = turn;
  };

  /** Resolves once every request received so far has been answered. */
  async settled(): Promise<void> {
    await this.queue;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.dispatch(request);
    } catch (err) {
      reply = errorReply(toApiError(err));
    }
    sendReply(response, reply);
  }

  private async dispatch(request: IncomingMessage): Promise<Reply> {
    // Toxiproxy refuses browsers, so that a web page cannot drive it from a developer's machine.
    if (request.headers['user-agent']?.startsWith('Mozilla/')) {
      return { status: 403, text: 'User agent not allowed\n', contentType: 'text/plain' };
    }

    const path = new URL(request.url ?? '/', 'http://toxiproxy').pathname;
    for (const route of this.routes) {
      const match = route.path.exec(path);
      if (match === null) continue;
      const handler = route.methods[request.method ?? 'GET'];
      if (handler === undefined) return { status: 405 };
      const params = match.slice(1).map((segment) => decodeURIComponent(segment));
      return handler(params, request);
    }
    return { status: 404, text: '404 page not found\n', contentType: 'text/plain; charset=utf-8' };
  }

  private proxyIndex(): Record<string, unknown> {
    return Object.fromEntries(this.proxies.list().map((proxy) => [proxy.name, proxy]));
  }

  private async createProxy(request: IncomingMessage): Promise<Reply> {
    return json(201, await this.proxies.create(await readJsonBody(request)));
  }

  private async updateProxy(name: string, request: IncomingMessage): Promise<Reply> {
    this.proxies.get(name); // 404 before a body error, as Toxiproxy checks in that order
    return json(200, await this.proxies.update(name, await readJsonBody(request)));
  }

  private async deleteProxy(name: string): Promise<Reply> {
    await this.proxies.remove(name);
    return noContent;
  }

  private async populate(request: IncomingMessage): Promise<Reply> {
    try {
      const proxies = await this.proxies.populate(await readJsonBody(request));
      return json(201, { proxies });
    } catch (err) {
      // Toxiproxy answers a failed populate with the error and the proxies field side by side.
      const error = toApiError(err);
      return json(error.status, { ...error.toJSON(), proxies: null });
    }
  }

  private async reset(): Promise<Reply> {
    await this.proxies.reset();
    return noContent;
  }

  private async createToxic(name: string, request: IncomingMessage): Promise<Reply> {
    const proxy = this.proxies.get(name);
    // Toxiproxy answers a new toxic with 200, not 201.
    return json(200, toxicJson(proxy.addToxic(await readJsonBody(request))));
  }

  private showToxic(name: string, toxic: string): unknown {
    const spec = this.proxies.get(name).getToxic(toxic);
    if (spec === undefined) throw toxicNotFound();
    return toxicJson(spec);
  }

  private async updateToxic(name: string, toxic: string, request: IncomingMessage): Promise<Reply> {
    const proxy = this.proxies.get(name);
    if (proxy.getToxic(toxic) === undefined) throw toxicNotFound();
    return json(200, toxicJson(proxy.updateToxic(toxic, await readJsonBody(request))));
  }

  private async deleteToxic(name: string, toxic: string): Promise<Reply> {
    this.proxies.get(name).removeToxic(toxic);
    return noContent;
  }
}

function versionReply(): Reply {
  return {
    status: 200,
    text: `{"version": "${TOXIPROXY_VERSION}"}\n`,
    contentType: 'application/json;charset=utf-8',
  };
}
