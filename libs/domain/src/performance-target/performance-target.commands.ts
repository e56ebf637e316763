import { Command } from '../shared/decider';
import { ReviewGrade, TargetSource } from './performance-target.events';
import { ContentChanges, TargetContent, TargetProblem } from './target-content';

export type CreateTarget = Command<
  'CreateTarget',
  {
    readonly fiscalYear: number;
    readonly unitCode: string;
    readonly projectCode: string;
    readonly content: TargetContent;
    readonly source: TargetSource;
    readonly importProblems?: readonly TargetProblem[];
  }
>;

export type ReviseTarget = Command<
  'ReviseTarget',
  {
    readonly targetId: string;
    readonly changes: ContentChanges;
    readonly source: TargetSource;
    readonly importProblems?: readonly TargetProblem[];
  }
>;

export type SubmitTarget = Command<'SubmitTarget', { readonly targetId: string }>;

export type ReviewTarget = Command<
  'ReviewTarget',
  { readonly targetId: string; readonly grade: ReviewGrade; readonly opinion: string }
>;

export type TargetCommand = CreateTarget | ReviseTarget | SubmitTarget | ReviewTarget;
