import { REVIEW_GRADES, ReviewStage } from './performance-target.events';
import {
  opinionRequired,
  reviewOutcomeOf,
  stageAfterReview,
  statusAfterReview,
} from './review-outcome';

describe('the review rule (grade → outcome → status and next stage)', () => {
  it('passes on 优 and 良, returns on 中, rejects on 差', () => {
    expect(REVIEW_GRADES.map(reviewOutcomeOf)).toEqual([
      'passed',
      'passed',
      'returned',
      'rejected',
    ]);
    expect(REVIEW_GRADES.filter(opinionRequired)).toEqual(['中', '差']);
  });

  it('leaves a department pass department_approved and a finance pass as it was', () => {
    expect(statusAfterReview('submitted', 'department', 'passed')).toBe('department_approved');
    expect(statusAfterReview('department_approved', 'finance', 'passed')).toBe(
      'department_approved',
    );
  });

  it('returns or rejects at either stage', () => {
    for (const stage of ['department', 'finance'] as ReviewStage[]) {
      expect(statusAfterReview('submitted', stage, 'returned')).toBe('returned');
      expect(statusAfterReview('department_approved', stage, 'rejected')).toBe('rejected');
    }
  });

  it('sends a department pass on to finance; anything else leaves the queue', () => {
    expect(stageAfterReview('department', 'passed')).toBe('finance');
    expect(stageAfterReview('finance', 'passed')).toBeNull();
    expect(stageAfterReview('department', 'returned')).toBeNull();
    expect(stageAfterReview('department', 'rejected')).toBeNull();
    expect(stageAfterReview('finance', 'rejected')).toBeNull();
  });
});
