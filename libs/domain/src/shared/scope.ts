import { Role } from './decider';

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
