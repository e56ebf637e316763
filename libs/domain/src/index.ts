export * from './shared/errors';
export * from './shared/money';
export * from './shared/names.zh';
export * from './shared/decider';
export * from './shared/scope';
export * from './shared/fiscal-year';
export * from './performance-target/spending-plan';
export * from './performance-target/indicator-template';
export * from './performance-target/indicator-target.parse';
export * from './performance-target/target-content';
export * from './performance-target/performance-target.events';
export * from './performance-target/performance-target.commands';
export * from './performance-target/target-phase';
export * from './performance-target/performance-target.state';
export * from './performance-target/performance-target.decide';
export * from './performance-target/review-outcome';
export * from './performance-target/performance-target.view';
export * from './import/document-items';
export * from './import/document-unit';
export * from './import/department-goals.parse';
export * from './import/target-document.parse';
export * from './import/document-year';
export * from './unit/unit';
export * from './import/import.decide';
export * from './shared/canonical-json';
export * from './monitoring/execution';
export * from './performance-target/execution.decide';
export * from './alert/alert-policy';
export * from './alert/alert-routing';
export * from './alert/alert-stream';
export * from './unit/recipient';
export * from './unit/department';
export * from './alert/monitoring-config';
export * from './alert/alert-message';
export * from './alert/divergence-alert';
export * from './evaluation/self-evaluation.score';
export * from './evaluation/self-evaluation.decide';
export * from './evaluation/monitoring-report';
export * from './monitoring/execution-series';
export * from './user/user';
export * from './performance-target/target-diff';
export * from './evaluation/target-stream';
/*
 * Outside the domain a target is its whole stream: the lifecycle and the evaluations filed on it.
 * These explicit exports take the place of performance-target's lifecycle-only names of the same
 * spelling (an explicit export wins over `export *`), so the infrastructure keeps its names.
 */
export {
  type TargetStreamState as TargetState,
  type ExistingTargetStreamState as ExistingTarget,
  type TargetStreamEvent as TargetEvent,
  type TargetStreamCommand as TargetCommand,
  targetStreamDecider as targetDecider,
} from './evaluation/target-stream';
