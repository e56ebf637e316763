import { actingRole, assertMayWrite, inScope, mayWrite, scopeOf } from './scope';

describe('scope', () => {
  it('a preparer sees its own unit only', () => {
    const s = scopeOf({ id: 'u', name: 'n', roles: ['preparer'], unit: '314001' });
    expect(inScope(s, '314001')).toBe(true);
    expect(inScope(s, '314004')).toBe(false);
  });

  it('a department reviewer sees the units of its department', () => {
    const s = scopeOf({ id: 'u', name: 'n', roles: ['department_reviewer'], department: '314' });
    expect(inScope(s, '314004')).toBe(true);
    expect(inScope(s, '315001')).toBe(false);
  });

  it('finance, auditors and admins see everything; a unit role without a unit sees nothing', () => {
    expect(inScope(scopeOf({ id: 'u', name: 'n', roles: ['auditor'] }), '999001')).toBe(true);
    expect(inScope(scopeOf({ id: 'u', name: 'n', roles: ['preparer'] }), '314001')).toBe(false);
  });

  it('picks the acting role in order of preference', () => {
    expect(
      actingRole({ id: 'u', name: 'n', roles: ['unit_head', 'preparer'] }, [
        'preparer',
        'unit_head',
      ]),
    ).toBe('preparer');
    expect(actingRole({ id: 'u', name: 'n', roles: ['auditor'] }, ['preparer'])).toBeNull();
  });
});

describe('write scope', () => {
  const mixed = { id: 'u', name: 'n', unit: '314001', department: '314' };
  it('is the acting role’s own reach, never the union of read scopes', () => {
    const pa = { ...mixed, roles: ['preparer', 'auditor'] as const };
    expect(inScope(scopeOf({ ...pa, roles: [...pa.roles] }), '314004')).toBe(true); // reads
    expect(mayWrite({ ...pa, roles: [...pa.roles] }, 'preparer', '314004')).toBe(false);
    expect(mayWrite({ ...pa, roles: [...pa.roles] }, 'preparer', '314001')).toBe(true);
    expect(mayWrite({ ...pa, roles: [...pa.roles] }, 'auditor', '314001')).toBe(false);
    const pd = { ...mixed, roles: ['preparer', 'department_reviewer'] as const };
    expect(mayWrite({ ...pd, roles: [...pd.roles] }, 'preparer', '314004')).toBe(false);
    expect(mayWrite({ ...pd, roles: [...pd.roles] }, 'department_reviewer', '314004')).toBe(true);
    expect(mayWrite({ ...pd, roles: [...pd.roles] }, 'department_reviewer', '315001')).toBe(false);
  });

  it('reaches nothing in a role the caller does not hold; finance and admins reach all', () => {
    expect(mayWrite({ ...mixed, roles: ['preparer'] }, 'admin', '314001')).toBe(false);
    expect(
      mayWrite({ id: 'f', name: 'n', roles: ['finance_reviewer'] }, 'finance_reviewer', '999001'),
    ).toBe(true);
    expect(mayWrite({ id: 'a', name: 'n', roles: ['admin'] }, 'admin', '999001')).toBe(true);
    expect(() => assertMayWrite({ ...mixed, roles: ['preparer'] }, 'preparer', '314004')).toThrow(
      expect.objectContaining({ code: 'UNIT_OUT_OF_SCOPE' }),
    );
  });
});
