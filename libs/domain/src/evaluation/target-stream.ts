import { assertNever, Decider } from '../shared/decider';
import { TargetCommand } from '../performance-target/performance-target.commands';
import { decideTarget } from '../performance-target/performance-target.decide';
import { TargetEvent } from '../performance-target/performance-target.events';
import { evolveTarget, initialTargetState } from '../performance-target/performance-target.state';
import { NoTarget, TargetState } from '../performance-target/target-phase';
import {
  evolveReports,
  FileMonitoringReport,
  fileReport,
  MonitoringReportFiled,
  MonitoringReportReviewed,
  ReportState,
  ReviewMonitoringReport,
  reviewReport,
} from './monitoring-report';
import {
  evolveSelfEvaluation,
  FileSelfEvaluation,
  fileSelfEvaluation,
  ReviewSelfEvaluation,
  reviewSelfEvaluation,
  SelfEvaluationFiled,
  SelfEvaluationReviewed,
  SelfEvaluationState,
} from './self-evaluation.decide';

/*
 * One target's event stream carries its lifecycle (performance-target) and the evaluations filed
 * on it (monitoring reports, the year-end self-evaluation). The evaluation rules are given the
 * target's lifecycle state and never the reverse, so this module, above both, composes the two
 * deciders: arrows in the domain run evaluation → performance-target → shared only.
 */

export type EvaluationCommand =
  FileSelfEvaluation | ReviewSelfEvaluation | FileMonitoringReport | ReviewMonitoringReport;
export type EvaluationEvent =
  SelfEvaluationFiled | SelfEvaluationReviewed | MonitoringReportFiled | MonitoringReportReviewed;

/** What the evaluations of a target have reached. */
export interface TargetEvaluations {
  readonly selfEvaluation: SelfEvaluationState | null;
  /** Monitoring reports (绩效运行监控), by round. */
  readonly reports: Readonly<Record<string, ReportState>>;
}

export type TargetStreamCommand = TargetCommand | EvaluationCommand;
export type TargetStreamEvent = TargetEvent | EvaluationEvent;
/** The lifecycle's union by phase, each phase with the evaluations filed on the target. */
export type TargetStreamState = TargetState & TargetEvaluations;
/** A stream whose target exists: what a read past TARGET_NOT_FOUND has. */
export type ExistingTargetStreamState = Exclude<TargetStreamState, NoTarget>;

const EVALUATION_EVENTS: ReadonlySet<string> = new Set<EvaluationEvent['type']>([
  'SelfEvaluationFiled',
  'SelfEvaluationReviewed',
  'MonitoringReportFiled',
  'MonitoringReportReviewed',
]);
const EVALUATION_COMMANDS: ReadonlySet<string> = new Set<EvaluationCommand['type']>([
  'FileSelfEvaluation',
  'ReviewSelfEvaluation',
  'FileMonitoringReport',
  'ReviewMonitoringReport',
]);

export const isEvaluationEvent = (e: TargetStreamEvent): e is EvaluationEvent =>
  EVALUATION_EVENTS.has(e.type);
const isEvaluationCommand = (c: TargetStreamCommand): c is EvaluationCommand =>
  EVALUATION_COMMANDS.has(c.type);

export function initialTargetStreamState(): TargetStreamState {
  return { ...initialTargetState(), selfEvaluation: null, reports: {} };
}

/** An evaluation event counts in the stream's version like any other. */
function evolveEvaluation(s: TargetStreamState, e: EvaluationEvent): TargetStreamState {
  const next = { ...s, version: s.version + 1, updatedAt: e.metadata.at };
  switch (e.type) {
    case 'SelfEvaluationFiled':
    case 'SelfEvaluationReviewed':
      return { ...next, selfEvaluation: evolveSelfEvaluation(s.selfEvaluation, e) };
    case 'MonitoringReportFiled':
    case 'MonitoringReportReviewed':
      return { ...next, reports: evolveReports(s.reports, e) };
    default:
      return assertNever(e);
  }
}

export function evolveTargetStream(s: TargetStreamState, e: TargetStreamEvent): TargetStreamState {
  if (isEvaluationEvent(e)) return evolveEvaluation(s, e);
  // the lifecycle's next phase, without the fields of the phase it left, and the evaluations
  return { ...evolveTarget(s, e), selfEvaluation: s.selfEvaluation, reports: s.reports };
}

function decideEvaluation(c: EvaluationCommand, s: TargetStreamState): EvaluationEvent[] {
  switch (c.type) {
    case 'FileSelfEvaluation':
      return fileSelfEvaluation(c, s, s.selfEvaluation);
    case 'ReviewSelfEvaluation':
      return reviewSelfEvaluation(c, s, s.selfEvaluation);
    case 'FileMonitoringReport':
      return fileReport(c, s, s.reports[c.data.round.roundId]);
    case 'ReviewMonitoringReport':
      return reviewReport(c, s, s.reports[c.data.roundId]);
    default:
      return assertNever(c);
  }
}

export function decideTargetStream(
  c: TargetStreamCommand,
  s: TargetStreamState,
): TargetStreamEvent[] {
  return isEvaluationCommand(c) ? decideEvaluation(c, s) : decideTarget(c, s);
}

/** The decider of a whole target stream: what the infrastructure runs. */
export const targetStreamDecider: Decider<
  TargetStreamCommand,
  TargetStreamEvent,
  TargetStreamState
> = {
  initialState: initialTargetStreamState,
  evolve: evolveTargetStream,
  decide: decideTargetStream,
};
