import { Role } from './decider';
import { Forbidden } from './errors';
import { roleNameZh } from './names.zh';

/** The verified caller, as the token says. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly unit?: string;
  readonly department?: string;
}

/** The department of a unit is the first three digits of its code (314001 → 314). */
export function departmentOf(unitCode: string): string {
  return unitCode.slice(0, 3);
}

const SEE_ALL: readonly Role[] = ['finance_reviewer', 'auditor', 'admin'];

/** What a caller may read: everything, some departments, or some units. */
export interface Scope {
  readonly all: boolean;
  readonly departments: readonly string[];
  readonly units: readonly string[];
}

export function scopeOf(p: Principal): Scope {
  const all = p.roles.some((r) => SEE_ALL.includes(r));
  const departments = p.roles.includes('department_reviewer') && p.department ? [p.department] : [];
  const unitRole = p.roles.includes('preparer') || p.roles.includes('unit_head');
  const units = unitRole && p.unit ? [p.unit] : [];
  return { all, departments, units };
}

export function inScope(scope: Scope, unitCode: string): boolean {
  return (
    scope.all ||
    scope.units.includes(unitCode) ||
    scope.departments.includes(departmentOf(unitCode))
  );
}

/** The first of `preferred` roles the caller holds: the role it acts in. */
export function actingRole(p: Principal, preferred: readonly Role[]): Role | null {
  return preferred.find((r) => p.roles.includes(r)) ?? null;
}

/**
 * Where a caller acting in `role` may write: that role's own reach, never the union of the
 * scopes of all its roles (a preparer who is also an auditor reads everything but writes only
 * for its unit). Auditors write nothing; a role the caller does not hold reaches nothing.
 */
export function writeScopeOf(p: Principal, role: Role): Scope {
  const none: Scope = { all: false, departments: [], units: [] };
  if (!p.roles.includes(role)) return none;
  if (role === 'admin' || role === 'finance_reviewer') return { ...none, all: true };
  if (role === 'department_reviewer')
    return p.department ? { ...none, departments: [p.department] } : none;
  if (role === 'preparer' || role === 'unit_head')
    return p.unit ? { ...none, units: [p.unit] } : none;
  return none;
}

/** May the caller, acting in `role`, write on a record of `unitCode`? */
export function mayWrite(p: Principal, role: Role, unitCode: string): boolean {
  return inScope(writeScopeOf(p, role), unitCode);
}

/**
 * Refuses a write outside the acting role's reach: a 403 (the caller may read the record, or
 * the command would have stopped at a 404 before).
 */
export function assertMayWrite(p: Principal, role: Role, unitCode: string): void {
  if (mayWrite(p, role, unitCode)) return;
  throw new Forbidden(
    'UNIT_OUT_OF_SCOPE',
    `以${roleNameZh(role)}身份不能对单位 ${unitCode} 的数据执行此操作`,
    { unitCode, role },
  );
}
