import { ProjectionRunner } from './projection-runner';

/**
 * Read-your-writes for projections: waits (up to `timeoutMs`) until the projection has applied
 * the event at `position`. Answers whether it has; the caller serves the read either way.
 */
export async function waitForProjection(
  runner: ProjectionRunner,
  name: string,
  position: bigint | undefined,
  timeoutMs = 5000,
): Promise<boolean> {
  if (position === undefined || position <= 0n) return true;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await runner.covers(name, position)) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
