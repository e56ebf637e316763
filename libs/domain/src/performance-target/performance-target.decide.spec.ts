import { Actor, fold } from '../shared/decider';
import { deciderSpec } from '../shared/decider.testing';
import {
  CreateTarget,
  ReviewTarget,
  ReviseTarget,
  SubmitTarget,
} from './performance-target.commands';
import { targetDecider } from './performance-target.decide';
import { TargetEvent } from './performance-target.events';
import { TargetContent } from './target-content';
import { approvedOf } from './target-phase';
import {
  actor,
  content,
  created,
  DEPT,
  DEPT2,
  emeta,
  FIN,
  ID,
  meta,
  PREPARER,
} from './target.testing';

const REVISER = actor('u2', 'preparer');

const createCmd = (c: TargetContent = content, source: 'api' | 'import' = 'api'): CreateTarget => ({
  type: 'CreateTarget',
  data: {
    fiscalYear: 2022,
    unitCode: '314001',
    projectCode: '13030322P00391410001H',
    content: c,
    source,
  },
  metadata: meta(PREPARER),
});
const submitted = (by: Actor = PREPARER, rev = 1): TargetEvent => ({
  type: 'TargetSubmitted',
  data: { targetId: ID, contentRevision: rev },
  metadata: emeta(by, 'SubmitTarget'),
});
const reviewed = (
  by: Actor,
  stage: 'department' | 'finance',
  grade: '优' | '良' | '中' | '差',
  outcome: 'passed' | 'returned' | 'rejected',
  opinion = '',
): TargetEvent => ({
  type: 'TargetReviewed',
  data: { targetId: ID, stage, grade, opinion, outcome, contentRevision: 1 },
  metadata: emeta(by, 'ReviewTarget'),
});
const approved: TargetEvent = {
  type: 'TargetApproved',
  data: { targetId: ID, contentRevision: 1, approvedVersion: 1 },
  metadata: emeta(FIN, 'ReviewTarget'),
};

const submit = (by: Actor = PREPARER): SubmitTarget => ({
  type: 'SubmitTarget',
  data: { targetId: ID },
  metadata: meta(by),
});
const review = (by: Actor, grade: '优' | '良' | '中' | '差', opinion = ''): ReviewTarget => ({
  type: 'ReviewTarget',
  data: { targetId: ID, grade, opinion },
  metadata: meta(by),
});
const revise = (
  changes: ReviseTarget['data']['changes'],
  by: Actor = PREPARER,
  source: 'api' | 'import' = 'api',
): ReviseTarget => ({
  type: 'ReviseTarget',
  data: { targetId: ID, changes, source },
  metadata: meta(by),
});

const spec = deciderSpec(targetDecider);

describe('CreateTarget', () => {
  it('creates a draft', () => spec.given([]).when(createCmd()).then([created]));

  it('refuses a target that exists already (409)', () => {
    spec.given([created]).when(createCmd()).thenThrows('TARGET_EXISTS', 'illegal_state');
  });

  it('refuses a fiscal year out of range', () => {
    const cmd = { ...createCmd(), data: { ...createCmd().data, fiscalYear: 1999 } };
    spec.given([]).when(cmd).thenThrows('INVALID_FISCAL_YEAR', 'invalid');
  });

  it('refuses a bad unit code or project code', () => {
    spec
      .given([])
      .when({ ...createCmd(), data: { ...createCmd().data, unitCode: '31400' } })
      .thenThrows('INVALID_UNIT_CODE');
    spec
      .given([])
      .when({ ...createCmd(), data: { ...createCmd().data, projectCode: 'a b' } })
      .thenThrows('INVALID_PROJECT_CODE');
  });

  it('refuses through the API a plan that is not cumulative, or a budget that does not add up', () => {
    const err = spec
      .given([])
      .when(createCmd({ ...content, plan: { M3: 50, M6: 40, M10: 100, M12: 100 } }))
      .thenThrows('INVALID_TARGET', 'invalid');
    expect(err.details.field).toBe('plan');
    const err2 = spec
      .given([])
      .when(createCmd({ ...content, budget: { total: 400000n, fiscal: 1n, other: 0n } }))
      .thenThrows('INVALID_TARGET');
    expect(err2.details.field).toBe('budget');
  });

  it('keeps an imported table with an invalid plan as a draft, its problems listed', () => {
    const bad = { ...content, plan: { M3: null, M6: 50, M10: null, M12: 90 } };
    const [event] = targetDecider.decide(createCmd(bad, 'import'), targetDecider.initialState());
    expect(event.type).toBe('TargetCreated');
  });
});

describe('ReviseTarget', () => {
  it('records only the fields that changed', () => {
    spec
      .given([created])
      .when(revise({ projectName: '汽车保险费（修订）', goals: content.goals }, REVISER))
      .then([
        {
          type: 'TargetRevised',
          data: {
            targetId: ID,
            changes: { projectName: '汽车保险费（修订）' },
            contentRevision: 2,
            source: 'api',
          },
          metadata: emeta(REVISER, 'ReviseTarget'),
        },
      ]);
  });

  it('does nothing when nothing changes', () => {
    spec
      .given([created])
      .when(revise({ goals: content.goals, budget: content.budget }))
      .thenNothing();
  });

  it('may revise a returned target', () => {
    const events = targetDecider.decide(
      revise({ goals: 'new' }),
      fold(targetDecider, [
        created,
        submitted(),
        reviewed(DEPT, 'department', '中', 'returned', '请补充'),
      ]),
    );
    expect(events.map((e) => e.type)).toEqual(['TargetRevised']);
  });

  it('refuses to revise a submitted or approved target (409 with its state)', () => {
    const err = spec
      .given([created, submitted()])
      .when(revise({ goals: 'x' }))
      .thenThrows('TARGET_NOT_EDITABLE', 'illegal_state');
    expect(err.details.status).toBe('submitted');
    spec
      .given([
        created,
        submitted(),
        reviewed(DEPT, 'department', '优', 'passed'),
        reviewed(FIN, 'finance', '良', 'passed'),
        approved,
      ])
      .when(revise({ goals: 'x' }))
      .thenThrows('TARGET_NOT_EDITABLE');
  });

  it('refuses an invalid plan through the API', () => {
    spec
      .given([created])
      .when(revise({ plan: { M3: 10, M6: 20, M10: 30, M12: 40 } }))
      .thenThrows('INVALID_TARGET', 'invalid');
  });

  it('refuses to revise a target that does not exist', () => {
    spec
      .given([])
      .when(revise({ goals: 'x' }))
      .thenThrows('TARGET_NOT_FOUND');
  });
});

describe('SubmitTarget', () => {
  it('submits a draft', () => spec.given([created]).when(submit()).then([submitted()]));

  it('resubmits a returned target', () => {
    spec
      .given([created, submitted(), reviewed(DEPT, 'department', '中', 'returned', '补充依据')])
      .when(submit())
      .then([submitted()]);
  });

  it('refuses a draft with problems, listing them (422)', () => {
    const imported = targetDecider.decide(
      createCmd(
        { ...content, indicators: [], plan: { M3: null, M6: 50, M10: null, M12: 90 } },
        'import',
      ),
      targetDecider.initialState(),
    );
    const err = spec.given(imported).when(submit()).thenThrows('TARGET_HAS_PROBLEMS', 'refused');
    expect(err.details.problems).toEqual([
      '资金支出计划到12月底应达到100%，现为90%',
      '绩效指标为空：至少填写一项指标',
    ]);
  });

  it.each([
    ['submitted', [submitted()]],
    ['department_approved', [submitted(), reviewed(DEPT, 'department', '优', 'passed')]],
    [
      'approved',
      [
        submitted(),
        reviewed(DEPT, 'department', '优', 'passed'),
        reviewed(FIN, 'finance', '优', 'passed'),
        approved,
      ],
    ],
    ['rejected', [submitted(), reviewed(DEPT, 'department', '差', 'rejected', '不符合')]],
  ])('refuses to submit a %s target (409)', (status, history) => {
    const err = spec
      .given([created, ...(history as TargetEvent[])])
      .when(submit())
      .thenThrows('TARGET_NOT_SUBMITTABLE', 'illegal_state');
    expect(err.details.status).toBe(status);
  });
});

describe('ReviewTarget', () => {
  const atDept = [created, submitted()];
  const atFinance = [...atDept, reviewed(DEPT, 'department', '优', 'passed')];

  it.each(['优', '良'] as const)('%s at the department stage passes it on to finance', (grade) => {
    spec
      .given(atDept)
      .when(review(DEPT, grade))
      .then([reviewed(DEPT, 'department', grade, 'passed')]);
  });

  it('a pass at finance approves the target', () => {
    spec
      .given(atFinance)
      .when(review(FIN, '良', '同意'))
      .then([reviewed(FIN, 'finance', '良', 'passed', '同意'), approved]);
    const state = fold(targetDecider, [
      ...atFinance,
      reviewed(FIN, 'finance', '良', 'passed', '同意'),
      approved,
    ]);
    expect(state.status).toBe('approved');
    expect(approvedOf(state)?.approvedVersion).toBe(1);
  });

  it('中 returns the target for revision, 差 rejects it', () => {
    spec
      .given(atDept)
      .when(review(DEPT, '中', '请补充依据'))
      .then([reviewed(DEPT, 'department', '中', 'returned', '请补充依据')]);
    spec
      .given(atFinance)
      .when(review(FIN, '差', '不予通过'))
      .then([reviewed(FIN, 'finance', '差', 'rejected', '不予通过')]);
    expect(
      fold(targetDecider, [...atDept, reviewed(DEPT, 'department', '差', 'rejected', 'x')]).status,
    ).toBe('rejected');
  });

  it('requires an opinion for 中 and 差', () => {
    const err = spec
      .given(atDept)
      .when(review(DEPT, '中', '  '))
      .thenThrows('OPINION_REQUIRED', 'invalid');
    expect(err.details.field).toBe('opinion');
    spec.given(atDept).when(review(DEPT, '差')).thenThrows('OPINION_REQUIRED');
  });

  it('refuses an unknown grade', () => {
    spec
      .given(atDept)
      .when(review(DEPT, 'A' as never))
      .thenThrows('INVALID_GRADE', 'invalid');
  });

  it('refuses a review by whoever created, revised or submitted the version (422)', () => {
    const creatorAsReviewer = actor('u1', 'department_reviewer');
    spec
      .given(atDept)
      .when(review(creatorAsReviewer, '优'))
      .thenThrows('SEGREGATION_OF_DUTIES', 'refused');
    const reviserAsReviewer = actor('u2', 'department_reviewer');
    const revised: TargetEvent = {
      type: 'TargetRevised',
      data: { targetId: ID, changes: { goals: 'g' }, contentRevision: 2, source: 'api' },
      metadata: emeta(REVISER, 'ReviseTarget'),
    };
    spec
      .given([created, revised, submitted(PREPARER, 2)])
      .when(review(reviserAsReviewer, '优'))
      .thenThrows('SEGREGATION_OF_DUTIES');
    const submitterAsFinance = actor('u1', 'finance_reviewer');
    spec
      .given(atFinance)
      .when(review(submitterAsFinance, '优'))
      .thenThrows('SEGREGATION_OF_DUTIES');
  });

  it('refuses one person passing both stages of the same version', () => {
    const deptAsFinance = actor('d1', 'finance_reviewer');
    spec
      .given(atFinance)
      .when(review(deptAsFinance, '优'))
      .thenThrows('SEGREGATION_OF_DUTIES', 'refused');
  });

  it('refuses a review at the wrong stage (409)', () => {
    const err = spec
      .given(atDept)
      .when(review(FIN, '优'))
      .thenThrows('WRONG_REVIEW_STAGE', 'illegal_state');
    expect(err.details).toMatchObject({ status: 'submitted', stage: 'department' });
    spec.given(atFinance).when(review(DEPT2, '优')).thenThrows('WRONG_REVIEW_STAGE');
  });

  it('refuses a review of a target not awaiting one', () => {
    spec
      .given([created])
      .when(review(DEPT, '优'))
      .thenThrows('TARGET_NOT_UNDER_REVIEW', 'illegal_state');
    spec
      .given([...atFinance, reviewed(FIN, 'finance', '优', 'passed'), approved])
      .when(review(FIN, '优'))
      .thenThrows('TARGET_NOT_UNDER_REVIEW');
  });

  it('after a return and resubmission the department stage starts over', () => {
    const history = [
      ...atFinance,
      reviewed(FIN, 'finance', '中', 'returned', '调整指标'),
      submitted(),
    ];
    const state = fold(targetDecider, history);
    expect(state.status).toBe('submitted');
    expect(state).toMatchObject({ departmentPassedBy: null });
    spec
      .given(history)
      .when(review(DEPT2, '良'))
      .then([reviewed(DEPT2, 'department', '良', 'passed')]);
  });
});
