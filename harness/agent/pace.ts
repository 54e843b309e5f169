/**
 * The workload's pause between two operations. A positive pace waits that many milliseconds;
 * a pace of 0 only yields to the event loop (`setImmediate`), so watch deliveries and a stop
 * get their turn, without the 1 ms floor that Node puts under a 0 ms timer.
 */
export function pace(ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (ms > 0) setTimeout(resolve, ms);
    else setImmediate(resolve);
  });
}
