import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'crypto';
import { CATCH_UP_JOB, CatchUpNotifier, PROJECTIONS_QUEUE } from './queues';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW_MS = 300;

/** A real BullMQ queue on Redis that remembers when each catch-up job was added. */
class RecordingQueue extends Queue {
  readonly added: number[] = [];
  override async add(...args: Parameters<Queue['add']>) {
    const job = await super.add(...args);
    this.added.push(Date.now());
    return job;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CatchUpNotifier: one wake-up per window of commits', () => {
  const prefix = `bp-test-notifier-${randomUUID()}`;
  let redis: Redis;
  let queue: RecordingQueue;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new RecordingQueue(PROJECTIONS_QUEUE, { connection: redis, prefix });
  });

  afterAll(async () => {
    await queue.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('wakes at once after a quiet spell, then once more for all the commits of the window', async () => {
    const notifier = new CatchUpNotifier(queue, WINDOW_MS);
    const first = Date.now();
    for (let i = 0; i < 500; i++) notifier.notify();
    await sleep(WINDOW_MS / 2);
    // the first commit's job is queued at once, the other 499 wait for the window's end
    expect(queue.added).toHaveLength(1);
    expect(queue.added[0] - first).toBeLessThan(WINDOW_MS / 2);
    const last = Date.now();
    notifier.notify(); // one more commit, late in the window
    await sleep(WINDOW_MS * 2);
    // one job for every commit since the first: queued after the last of them
    expect(queue.added).toHaveLength(2);
    expect(queue.added[1]).toBeGreaterThanOrEqual(last);
    expect(queue.added[1] - queue.added[0]).toBeGreaterThanOrEqual(WINDOW_MS - 5);
    // nothing committed since: nothing more is queued
    await sleep(WINDOW_MS * 2);
    expect(queue.added).toHaveLength(2);
    // after the quiet spell, a commit wakes the workers at once again
    const again = Date.now();
    notifier.notify();
    await sleep(WINDOW_MS / 2);
    expect(queue.added).toHaveLength(3);
    expect(queue.added[2] - again).toBeLessThan(WINDOW_MS / 2);
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed']);
    // deduplicated: one catch-up waits, whatever the number of commits
    expect(jobs.filter((j) => j.name === CATCH_UP_JOB)).toHaveLength(1);
  });

  it('queues one job per window under a steady stream of commits', async () => {
    const notifier = new CatchUpNotifier(queue, WINDOW_MS);
    const before = queue.added.length;
    await sleep(WINDOW_MS * 2);
    const until = Date.now() + WINDOW_MS * 5;
    while (Date.now() < until) {
      notifier.notify();
      await sleep(2);
    }
    await sleep(WINDOW_MS * 2);
    const adds = queue.added.length - before;
    // about 5 windows of commits (some 500 of them): 5 or 6 adds, the last after the last commit
    expect(adds).toBeGreaterThanOrEqual(4);
    expect(adds).toBeLessThanOrEqual(7);
    expect(queue.added.at(-1)!).toBeGreaterThanOrEqual(until);
  });
});
