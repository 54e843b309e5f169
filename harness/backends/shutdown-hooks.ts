import { logger } from '../logger.ts';

const log = logger('shutdown');

type Hook = () => Promise<unknown>;
const hooks = new Set<Hook>();
let installed = false;

/**
 * Registers cleanup to run on Ctrl-C (SIGINT) or SIGTERM before the process exits, so what the
 * harness started is stopped even when a person interrupts a run. Returns a function that
 * unregisters it, for the normal path where the owner cleans up itself.
 */
export function onInterrupt(hook: Hook): () => void {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}

function install() {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log('%s: cleaning up %d resource(s)', signal, hooks.size);
      process.stderr.write(`\n${signal}: stopping what this run started...\n`);
      void Promise.allSettled([...hooks].map((h) => h())).finally(() => {
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
    });
  }
}
