import { Actor, CommandMetadata, EventMetadata, Role } from '../shared/decider';
import { TargetEvent } from './performance-target.events';
import { budgetToJson, TargetContent } from './target-content';

/** Shared fixtures of the target decider specs: the seed's first table, approved. */
export const ID = '2022-314001-13030322P00391410001H';
export const actor = (id: string, role: Role): Actor => ({
  id,
  name: `name-${id}`,
  role,
  unit: '314001',
});
export const PREPARER = actor('u1', 'preparer');
export const DEPT = actor('d1', 'department_reviewer');
export const DEPT2 = actor('d2', 'department_reviewer');
export const FIN = actor('f1', 'finance_reviewer');
export const FIN2 = actor('f2', 'finance_reviewer');

export const meta = (a: Actor, at = '2022-01-10T08:00:00.000Z'): CommandMetadata => ({
  actor: a,
  at,
  requestId: 'req-1',
});
export const emeta = (a: Actor, command: string, at?: string): EventMetadata => ({
  ...meta(a, at),
  command,
});

export const content: TargetContent = {
  unitName: '民政部门秦皇岛市山海关区民政局本级',
  projectName: '汽车保险费',
  budget: { total: 400000n, fiscal: 400000n, other: 0n },
  purpose: '保障车辆工作、提高工作效率',
  plan: { M3: null, M6: 100, M10: 100, M12: 100 },
  goals: '1.保障车辆工作\n2.提高工作效率',
  indicators: [
    {
      level1: '产出指标',
      level2: '数量指标',
      name: '投保车辆数量',
      description: '为几辆车投保',
      target: '1辆',
      basis: '车辆编制审批表',
    },
  ],
};

/** The target created through the API by the preparer. */
export const created: TargetEvent = {
  type: 'TargetCreated',
  data: {
    targetId: ID,
    fiscalYear: 2022,
    unitCode: '314001',
    projectCode: '13030322P00391410001H',
    source: 'api',
    content: { ...content, budget: budgetToJson(content.budget) },
  },
  metadata: emeta(PREPARER, 'CreateTarget'),
};

/** The events of a target taken from draft to approved by four different people. */
export function approvedHistory(): TargetEvent[] {
  const review = (by: Actor, stage: 'department' | 'finance'): TargetEvent => ({
    type: 'TargetReviewed',
    data: { targetId: ID, stage, grade: '优', opinion: '', outcome: 'passed', contentRevision: 1 },
    metadata: emeta(by, 'ReviewTarget'),
  });
  return [
    created,
    {
      type: 'TargetSubmitted',
      data: { targetId: ID, contentRevision: 1 },
      metadata: emeta(PREPARER, 'SubmitTarget'),
    },
    review(DEPT, 'department'),
    review(FIN, 'finance'),
    {
      type: 'TargetApproved',
      data: { targetId: ID, contentRevision: 1, approvedVersion: 1 },
      metadata: emeta(FIN, 'ReviewTarget'),
    },
  ];
}
