import { sameJson } from '../shared/canonical-json';
import { Command, Decider, DomainEvent, eventMetadata } from '../shared/decider';
import { InvalidInput } from '../shared/errors';
import { assertRecipients, Recipient } from './recipient';

/** The department's reviewers who receive its red alerts and escalations. */
export type DepartmentReviewersSet = DomainEvent<
  'DepartmentReviewersSet',
  { readonly code: string; readonly reviewers: readonly Recipient[] }
>;

export type SetDepartmentReviewers = Command<
  'SetDepartmentReviewers',
  { readonly code: string; readonly reviewers: readonly Recipient[] }
>;

export const departmentStreamId = (code: string) => `department-${code}`;

/** Sets the reviewers; the same list again does nothing. */
export function decideDepartmentReviewers(
  cmd: SetDepartmentReviewers,
  current: readonly Recipient[] | null,
): DepartmentReviewersSet[] {
  if (!/^\d{3}$/.test(cmd.data.code))
    throw new InvalidInput('INVALID_DEPARTMENT_CODE', '部门编码应为三位数字', 'code');
  assertRecipients(cmd.data.reviewers, 'reviewers');
  if (current && sameJson(current, cmd.data.reviewers)) return [];
  return [{ type: 'DepartmentReviewersSet', data: cmd.data, metadata: eventMetadata(cmd) }];
}

/** A department's reviewers stream as a decider: its state is the last list set (null: none). */
export const departmentReviewersDecider: Decider<
  SetDepartmentReviewers,
  DepartmentReviewersSet,
  readonly Recipient[] | null
> = {
  initialState: () => null,
  evolve: (_, e) => e.data.reviewers,
  decide: decideDepartmentReviewers,
};
