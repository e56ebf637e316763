/**
 * Graceful stop on SIGTERM / SIGINT: close each part in order (the API stops taking requests
 * first, then the worker finishes the job in hand), then exit 0. A second signal, or parts that
 * take longer than `timeoutMs`, end the process with exit code 1.
 */
export function closeOnSignals(closers: Array<() => Promise<unknown>>, timeoutMs = 25_000): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal} received: shutting down`);
    setTimeout(() => {
      console.error(`shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    for (const close of closers) await close();
    console.log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
}
