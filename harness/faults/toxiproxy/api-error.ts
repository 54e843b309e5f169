/**
 * An error the HTTP API answers with: real Toxiproxy's body `{"error": ..., "status": ...}` and
 * the same status code. The messages are Toxiproxy's own, so clients that match on them keep
 * working when a real Toxiproxy is swapped in.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

export const proxyNotFound = (): ApiError => new ApiError(404, 'proxy not found');
export const proxyAlreadyExists = (): ApiError => new ApiError(409, 'proxy already exists');
export const toxicNotFound = (): ApiError => new ApiError(404, 'toxic not found');
export const toxicAlreadyExists = (): ApiError => new ApiError(409, 'toxic already exists');
export const invalidToxicType = (): ApiError => new ApiError(400, 'invalid toxic type');
export const invalidStream = (): ApiError =>
  new ApiError(400, 'stream was invalid, can be either upstream or downstream');

/** The body is not JSON, or a field has the wrong type. */
export const badRequestBody = (detail: string): ApiError =>
  new ApiError(400, `bad request body: ${detail}`);

/** A field that has no default is absent or empty. */
export const missingField = (field: string): ApiError =>
  new ApiError(400, `missing required field: ${field}`);

/** Anything that is not an `ApiError` is answered as Toxiproxy does: 500 with its message. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(500, err instanceof Error ? err.message : String(err));
}
