import { actingRole, inScope, scopeOf } from './scope';

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
