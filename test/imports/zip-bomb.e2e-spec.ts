import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { zipBomb } from '../support/zip-bomb';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const GiB = 1 << 30;

/** Samples this process's resident memory while `work` runs: its peak above the start. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - start;
}

describe('a .docx zip bomb (a 1 MB upload that inflates to 1 GiB)', () => {
  let t: TestApp;
  let preparer: string;
  let honest: Buffer;
  let lying: Buffer;

  beforeAll(async () => {
    t = await createTestApp('zip_bomb');
    preparer = t.token({ sub: 'p1', name: '张会计', roles: ['preparer'], unit: '314001' });
    [honest, lying] = await Promise.all([zipBomb(GiB), zipBomb(GiB, 4096)]);
  }, 60_000);
  afterAll(() => t.close());

  const upload = (body: Buffer) =>
    request(t.http)
      .post('/imports')
      .query({ fiscalYear: 2022 })
      .set('Authorization', `Bearer ${preparer}`)
      .set('Content-Type', DOCX)
      .send(body);

  it('is about 1 MB', () => {
    expect(honest.length).toBeLessThan(2 << 20);
  });

  it('declaring its size is refused by that size before anything is inflated (413)', async () => {
    const res = await upload(honest).expect(413);
    expect(res.body.error).toMatchObject({ code: 'DOCUMENT_TOO_LARGE' });
    expect(await t.eventCount()).toBe(0);
  });

  it('lying about its size is cut off where the lie ends (400), and nothing is written', async () => {
    const res = await upload(lying).expect(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_DOCX' });
    expect(await t.eventCount()).toBe(0);
  });

  it('three in parallel, of both kinds, keep the process within a few tens of MB', async () => {
    const growth = await peakGrowth(() =>
      Promise.all([upload(honest), upload(lying), upload(lying), upload(honest)]),
    );
    expect(growth).toBeLessThan(64 << 20);
  });
});
