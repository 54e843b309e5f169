import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequestBody, type ApiError } from './api-error.ts';

/** Request bodies larger than this are refused; a proxy list is a few kilobytes. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** What a handler answers: JSON, a text body, or nothing (204). */
export type Reply =
  | { status: number; json: unknown }
  | { status: number; text: string; contentType: string }
  | { status: number };

/**
 * Reads and parses a JSON body. An empty body is `bad request body: EOF`, the words Go's
 * decoder gives Toxiproxy.
 */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw badRequestBody(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }

  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequestBody('EOF');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequestBody(err instanceof Error ? err.message : String(err));
  }
}

/**
 * An error reply exactly as Toxiproxy sends it: Go's `http.Error` labels the JSON as plain text
 * and ends it with a newline.
 */
export function errorReply(error: ApiError): Reply {
  return {
    status: error.status,
    text: `${JSON.stringify(error)}\n`,
    contentType: 'text/plain; charset=utf-8',
  };
}

/** Writes a reply; a client that went away meanwhile is not an error of the server. */
export function sendReply(response: ServerResponse, reply: Reply): void {
  if (response.headersSent || response.destroyed) return;

  if ('json' in reply) {
    response.writeHead(reply.status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(reply.json));
  } else if ('text' in reply) {
    response.writeHead(reply.status, {
      'Content-Type': reply.contentType,
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(reply.text);
  } else {
    response.writeHead(reply.status);
    response.end();
  }
}
