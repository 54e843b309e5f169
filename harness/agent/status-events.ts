import { Events, DebugEvents, type NatsConnection, NatsError } from 'nats';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { ConnectionStatus } from '../history/types.ts';
import { classifyError } from './classify-error.ts';
import { connectedTo } from './connection.ts';

const STATUS: Record<string, ConnectionStatus> = {
  [Events.Disconnect]: 'disconnect',
  [Events.Reconnect]: 'reconnect',
  [Events.Error]: 'error',
  [Events.LDM]: 'ldm',
  [DebugEvents.Reconnecting]: 'reconnecting',
  [DebugEvents.StaleConnection]: 'stale-connection',
};

/**
 * Records a connection's status events (disconnect, reconnect, async errors such as an
 * authorization or permission violation) and its close, as `status` events of `process`.
 */
export function recordStatusEvents(
  nc: NatsConnection,
  process: string,
  recorder: HistoryRecorder,
  onClosed: () => void,
): void {
  recorder.append({
    type: 'event',
    op: 'status',
    process,
    status: 'connected',
    ...connectedTo(nc),
  });

  void (async () => {
    for await (const s of nc.status()) {
      const status = STATUS[s.type];
      if (!status) continue;
      const error =
        s.type === Events.Error
          ? classifyError(statusError(String(s.data), s.permissionContext))
          : undefined;
      recorder.append({
        type: 'event',
        op: 'status',
        process,
        status,
        ...(status === 'disconnect' ? {} : connectedTo(nc)),
        ...(error ? { error } : {}),
      });
    }
  })().catch(() => {});

  void nc.closed().then((err) => {
    recorder.append({
      type: 'event',
      op: 'status',
      process,
      status: 'closed',
      ...(err ? { error: classifyError(err) } : {}),
    });
    onClosed();
  });
}

function statusError(code: string, context?: { operation: string; subject: string }): NatsError {
  const err = new NatsError(code, code);
  if (context) err.permissionContext = context;
  return err;
}
