import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';
import { seedText } from '../support/seed';

const T1 = '2022-314001-13030322P00391410001H';
const T34 = '2022-314004-13030322P00391410001H';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Issue 13: "withdraw what this import created" undoes a wrong import, drafts only. */
describe('withdrawing an import (POST /imports/:importId/withdraw)', () => {
  let t: TestApp;
  let tok: Record<string, string>;
  let importId: string;
  let created: string[];
  const auth = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });
  const importSeed = (query: object = {}) =>
    request(t.http)
      .post('/imports')
      .query({ fiscalYear: 2022, ...query })
      .set(auth('admin'))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(seedText())
      .expect(200);
  const withdraw = (id: string, who: string, body: object = { reason: '导入的文档有误' }) =>
    request(t.http).post(`/imports/${id}/withdraw`).set(auth(who)).send(body);

  async function refused(req: request.Test, status: number, code: string) {
    const before = await t.eventCount();
    const res = await req;
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await t.eventCount()).toBe(before);
  }

  const unitOf = (id: string) => id.split('-')[1];

  beforeAll(async () => {
    t = await createTestApp('import_withdraw');
    tok = {
      admin: t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] }),
      prep1: t.token({ sub: 'p1', roles: ['preparer'], unit: '314001' }),
      prep4: t.token({ sub: 'p4', roles: ['preparer'], unit: '314004' }),
      prep9: t.token({ sub: 'p9', roles: ['preparer'], unit: '314009' }),
      dept: t.token({ sub: 'd1', roles: ['department_reviewer'], department: '314' }),
    };
    // typed in before the import: the import revises it, it did not create it
    await request(t.http).post('/targets').set(auth('prep1')).send(targetBody()).expect(201);
  });
  afterAll(() => t.close());

  it('a dry run has no import id; a run has one, in the TargetCreated events it wrote', async () => {
    expect((await importSeed({ dryRun: true })).body.importId).toBeNull();
    const res = await importSeed();
    expect(res.body).toMatchObject({ created: 35, revised: 1 });
    importId = res.body.importId;
    expect(importId).toMatch(UUID);
    created = res.body.targets
      .filter((x: { outcome: string }) => x.outcome === 'created')
      .map((x: { id: string }) => x.id)
      .sort();
    const rows = await t.sql<{ target_id: string; import_id: string | null }>(
      `SELECT target_id, data->>'importId' AS import_id FROM events WHERE type = 'TargetCreated' ORDER BY target_id`,
    );
    expect(rows.filter((r) => r.import_id === importId).map((r) => r.target_id)).toEqual(created);
    expect(rows.find((r) => r.target_id === T1)?.import_id).toBeNull();
  });

  it('refuses without a reason (400), an unknown id (404) and a reviewer (403), writing nothing', async () => {
    await refused(withdraw(importId, 'admin', {}), 400, 'REASON_REQUIRED');
    await refused(
      withdraw('0b9f3a52-5d0e-4c36-9d1b-1f0c1a2b3c4d', 'admin'),
      404,
      'IMPORT_NOT_FOUND',
    );
    await refused(withdraw('not-an-import', 'admin'), 404, 'IMPORT_NOT_FOUND');
    await refused(withdraw(importId, 'prep9'), 404, 'IMPORT_NOT_FOUND'); // none of its unit
    await refused(withdraw(importId, 'dept'), 403, 'ROLE_FORBIDDEN');
  });

  it("a unit's preparer withdraws its own unit's drafts only; one submitted since is skipped", async () => {
    await request(t.http).post(`/targets/${T34}/submit`).set(auth('prep4')).expect(200);
    const before = await t.eventCount();
    const res = await withdraw(importId, 'prep4').expect(200);
    const own = created.filter((id) => unitOf(id) === '314004');
    expect(res.body).toEqual({
      importId,
      withdrawn: own.filter((id) => id !== T34),
      skipped: [{ id: T34, status: 'submitted' }],
    });
    expect(res.body.withdrawn).toHaveLength(4);
    expect(await t.eventCount()).toBe(before + 4);
    expect(Number(res.headers['x-event-position'])).toBeGreaterThan(0);
    const other = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2022, unit: '314001', limit: 200 })
      .set(auth('admin'))
      .expect(200);
    expect(other.body.items).toHaveLength(31); // the other unit's are all there
  });

  it('an admin withdraws the rest; the target the import only revised stays', async () => {
    const res = await withdraw(importId, 'admin').expect(200);
    const ofUnit1 = created.filter((id) => unitOf(id) === '314001');
    expect(res.body.withdrawn).toEqual(ofUnit1);
    expect(res.body.withdrawn).toHaveLength(30);
    expect(res.body.withdrawn).not.toContain(T1);
    expect(res.body.skipped).toEqual(
      created
        .filter((id) => unitOf(id) === '314004')
        .map((id) => ({ id, status: id === T34 ? 'submitted' : 'withdrawn' })),
    );
    const list = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2022, limit: 200 })
      .set(auth('admin'))
      .expect(200);
    expect(list.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [T1, 'draft'],
      [T34, 'submitted'],
    ]);
    const trail = await request(t.http)
      .get('/audit/events')
      .query({ targetId: ofUnit1[0], type: 'TargetWithdrawn' })
      .set(auth('admin'))
      .expect(200);
    expect(trail.body.items).toEqual([
      expect.objectContaining({
        data: { targetId: ofUnit1[0], reason: '导入的文档有误', importId },
        actor: expect.objectContaining({ id: 'admin1', role: 'admin' }),
      }),
    ]);
  });

  it('withdrawing it again withdraws nothing more; re-importing shows the withdrawn as conflicts', async () => {
    const before = await t.eventCount();
    const again = await withdraw(importId, 'admin').expect(200);
    expect(again.body.withdrawn).toEqual([]);
    expect(again.body.skipped).toHaveLength(35);
    expect(await t.eventCount()).toBe(before);
    const re = await importSeed({ dryRun: true });
    expect(re.body).toMatchObject({ created: 0, unchanged: 2 });
    expect(re.body.conflicts).toHaveLength(34);
    expect(new Set(re.body.conflicts.map((c: { status: string }) => c.status))).toEqual(
      new Set(['withdrawn']),
    );
  });
});
