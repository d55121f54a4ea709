// Graceful stop on SIGINT/SIGTERM for the API and worker entry points. The listeners stay installed
// (`on`, not `once`), so no later delivery falls through to the default action and kills the process
// mid-shutdown (orphaning the embedded Postgres). A signal often arrives twice at once (sent to the
// process group and forwarded by npm), so only a repeat after a pause forces the exit; a stop that
// hangs is cut off after a deadline.
import type { Logger } from './logger';

const REPEAT_FORCES_AFTER_MS = 1_000;
/** Beyond the configured grace: closing the queue, the models and the (embedded) database. */
const CLOSE_MARGIN_MS = 15_000;

export function shutdownOnSignals(stop: () => Promise<void>, logger: Logger, graceSeconds: number): void {
  const stopDeadlineMs = graceSeconds * 1000 + CLOSE_MARGIN_MS;
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < REPEAT_FORCES_AFTER_MS) return;
      logger.warn({ signal }, 'signal repeated while shutting down: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ deadlineMs: stopDeadlineMs }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, stopDeadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
