import { Upcasters } from './upcasters';

const stored = (schemaVersion: number, data: unknown) => ({
  type: 'TargetWithdrawn',
  schemaVersion,
  data,
  streamId: 'target-x',
});

describe('Upcasters', () => {
  it('leaves an event at its current version as it is, and every type starts at version 1', () => {
    const registry = new Upcasters();
    const e = stored(1, { reason: '项目取消' });
    expect(registry.currentVersion('TargetWithdrawn')).toBe(1);
    expect(registry.decode(e)).toBe(e);
  });

  it('chains 1→2→3 in order and keeps the rest of the event', () => {
    const registry = new Upcasters()
      .register('TargetWithdrawn', 2, (d) => ({ ...(d as object), importId: null }))
      .register('TargetWithdrawn', 1, (d) => ({ reason: (d as { cause: string }).cause }));
    expect(registry.currentVersion('TargetWithdrawn')).toBe(3);
    expect(registry.currentVersion('TargetCreated')).toBe(1);
    expect(registry.decode(stored(1, { cause: '项目取消' }))).toEqual(
      stored(3, { reason: '项目取消', importId: null }),
    );
    expect(registry.decode(stored(2, { reason: '合并' }))).toEqual(
      stored(3, { reason: '合并', importId: null }),
    );
  });

  it('refuses a version it has no step from, naming the type and the versions', () => {
    const registry = new Upcasters().register('TargetWithdrawn', 2, (d) => d);
    expect(() => registry.decode(stored(1, {}))).toThrow(
      '事件 TargetWithdrawn 缺少从第 1 版升到第 2 版的升级函数（当前为第 3 版）',
    );
  });

  it('refuses data newer than it knows (written by a later deployment)', () => {
    expect(() => new Upcasters().decode(stored(2, {}))).toThrow(
      '事件 TargetWithdrawn 的数据为第 2 版，新于本程序所知的第 1 版',
    );
  });

  it('refuses a second step for the same (type, version)', () => {
    const registry = new Upcasters().register('TargetWithdrawn', 1, (d) => d);
    expect(() => registry.register('TargetWithdrawn', 1, (d) => d)).toThrow('已登记过');
  });
});
