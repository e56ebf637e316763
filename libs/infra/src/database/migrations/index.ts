import { EventStore1764230000000 } from './1764230000000-event-store';
import { TargetList1764230000001 } from './1764230000001-target-list';
import { Units1764230000002 } from './1764230000002-units';
import { IdempotencyAndExecution1764230000003 } from './1764230000003-idempotency-and-execution';
import { Alerts1764230000004 } from './1764230000004-alerts';
import { Audit1764230000005 } from './1764230000005-audit';
import { MonitoringRounds1764230000006 } from './1764230000006-monitoring-rounds';
import { ScoreWeights1764230000007 } from './1764230000007-score-weights';
import { AppendFunction1764230000008 } from './1764230000008-append-function';
import { Users1764230000009 } from './1764230000009-users';
import { SweepRuns1764230000010 } from './1764230000010-sweep-runs';
import { ImportId1764230000011 } from './1764230000011-import-id';
import { AuditChain1764230000015 } from './1764230000015-audit-chain';
import { RoundDepartment1764230000023 } from './1764230000023-round-department';
import { TokenSecurity1764230000030 } from './1764230000030-token-security';
import { TimeProgressMethod1764230000041 } from './1764230000041-time-progress-method';
import { EventsByFiscalYear1764230000050 } from './1764230000050-events-by-fiscal-year';

/** Every migration, in order. Listed, not globbed, so the same list works from ts and js. */
export const MIGRATIONS = [
  EventStore1764230000000,
  TargetList1764230000001,
  Units1764230000002,
  IdempotencyAndExecution1764230000003,
  Alerts1764230000004,
  Audit1764230000005,
  MonitoringRounds1764230000006,
  ScoreWeights1764230000007,
  AppendFunction1764230000008,
  Users1764230000009,
  SweepRuns1764230000010,
  ImportId1764230000011,
  AuditChain1764230000015,
  RoundDepartment1764230000023,
  TokenSecurity1764230000030,
  TimeProgressMethod1764230000041,
  EventsByFiscalYear1764230000050,
];
