import { ErrorCode, NatsError } from 'nats';
import type { CompletionType, RecordedError } from '../history/types.ts';
import { redactSecrets } from '../history/redact.ts';

/**
 * Turns whatever nats.js threw into the history's error classes. Branches on nats.js's codes
 * and structured fields (permission context, JetStream API error), never on message text,
 * except for the few JetStream errors nats.js only reports as text.
 */
export function classifyError(err: unknown): RecordedError {
  if (!(err instanceof Error)) return { class: 'other', message: redactSecrets(String(err)) };
  const message = redactSecrets(err.message);
  if (!(err instanceof NatsError)) return { class: 'other', message };

  const api = err.api_error;
  if (api) return { class: 'jetstream', message, code: api.err_code };

  switch (err.code) {
    case ErrorCode.AuthorizationViolation:
    case ErrorCode.AuthenticationExpired:
    case ErrorCode.AuthenticationTimeout:
    case ErrorCode.BadAuthentication:
      return { class: 'authorization', message };
    case ErrorCode.PermissionsViolation:
      return {
        class: 'permission',
        message,
        subject: err.permissionContext?.subject,
        operation: err.permissionContext?.operation === 'publish' ? 'publish' : 'subscription',
      };
    case ErrorCode.Timeout:
    case ErrorCode.JetStream408RequestTimeout:
      return { class: 'timeout', message };
    case ErrorCode.NoResponders:
      return { class: 'no-responders', message };
    case ErrorCode.ConnectionClosed:
    case ErrorCode.ConnectionDraining:
      return { class: 'closed', message };
    case ErrorCode.ConnectionRefused:
    case ErrorCode.ConnectionTimeout:
    case ErrorCode.Disconnect:
      return { class: 'connection', message };
    default:
      return {
        class: 'other',
        message,
        ...(Number.isFinite(Number(err.code)) ? { code: Number(err.code) } : {}),
      };
  }
}

/**
 * Whether a failed operation certainly did not happen (`fail`) or may have (`info`). A write
 * that timed out or lost its connection may still have been stored; refusals did not happen.
 */
export function completionFor(error: RecordedError): CompletionType {
  return error.class === 'timeout' || error.class === 'closed' || error.class === 'connection'
    ? 'info'
    : 'fail';
}
