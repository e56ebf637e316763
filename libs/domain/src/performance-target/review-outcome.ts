import { ReviewGrade, ReviewOutcome, ReviewStage } from './performance-target.events';

/*
 * The review rule, in one place (issue 16, item 4): the decider, the target's state and the
 * projections (execution, review queue) all ask these functions instead of each spelling it out.
 */

/** 优 and 良 pass the stage, 中 returns the table for revision, 差 rejects it. */
export function reviewOutcomeOf(grade: ReviewGrade): ReviewOutcome {
  if (grade === '中') return 'returned';
  if (grade === '差') return 'rejected';
  return 'passed';
}

/** A grade that sends the table back or rejects it needs the reviewer's reasons. */
export const opinionRequired = (grade: ReviewGrade): boolean => reviewOutcomeOf(grade) !== 'passed';

/**
 * The status a review leaves a table (not an adjustment) in. A finance pass leaves it as it is:
 * the TargetApproved event that follows sets it.
 */
export function statusAfterReview<S extends string>(
  current: S,
  stage: ReviewStage,
  outcome: ReviewOutcome,
): S | 'returned' | 'rejected' | 'department_approved' {
  if (outcome === 'returned') return 'returned';
  if (outcome === 'rejected') return 'rejected';
  return stage === 'department' ? 'department_approved' : current;
}

/** The stage that has the table (or adjustment) next: finance after a department pass, else none. */
export function stageAfterReview(stage: ReviewStage, outcome: ReviewOutcome): ReviewStage | null {
  return outcome === 'passed' && stage === 'department' ? 'finance' : null;
}
