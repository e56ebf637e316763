/** Shapes of the API's answers (see ../shared/docs/API.md). Amounts are decimal strings of 元. */

export type Role =
  'preparer' | 'unit_head' | 'department_reviewer' | 'finance_reviewer' | 'auditor' | 'admin';

export interface User {
  readonly id: string;
  readonly name: string;
  readonly roles: Role[];
  readonly unit?: string | null;
  readonly department?: string | null;
}

export interface ManagedUser extends User {
  readonly disabled: boolean;
  readonly lastLoginAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface LoginAnswer {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: User;
}

export type Status =
  | 'draft'
  | 'submitted'
  | 'department_approved'
  | 'approved'
  | 'returned'
  | 'rejected'
  | 'withdrawn';

export type Checkpoint = 'M3' | 'M6' | 'M10' | 'M12';
export type Plan = Record<Checkpoint, number | null>;
export type Level = 'green' | 'yellow' | 'red';
export type Grade = '优' | '良' | '中' | '差';

export interface Budget {
  readonly total: string;
  readonly fiscal: string;
  readonly other: string;
}

export interface Indicator {
  readonly level1: string;
  readonly level2: string;
  readonly name: string;
  readonly description: string;
  readonly target: string;
  readonly basis: string;
}

export interface Person {
  readonly id: string;
  readonly name: string;
}

export interface Review {
  readonly stage: 'department' | 'finance';
  readonly grade: Grade;
  readonly opinion: string;
  readonly outcome?: string;
  readonly reviewer: Person;
  readonly at: string;
  readonly adjustmentId?: string | null;
}

export interface Disbursement {
  readonly id: string;
  readonly amount: string;
  readonly reversed: string;
  readonly date: string;
  readonly period: string | null;
  readonly voucherNo: string;
  readonly source?: 'fiscal' | 'other' | null;
  readonly note?: string | null;
  readonly recordedBy?: Person;
  readonly recordedAt?: string;
}

export interface Target {
  readonly id: string;
  readonly fiscalYear: number;
  readonly unitCode: string;
  readonly unitName: string;
  readonly projectCode: string;
  readonly projectName: string;
  readonly status: Status;
  readonly version: number;
  readonly budget: Budget;
  readonly approvedBudget?: Budget | null;
  readonly purpose: string;
  readonly plan: Plan;
  readonly effectivePlan: Plan;
  readonly goals: string;
  readonly indicators: Indicator[];
  readonly problems: string[];
  readonly reviews: Review[];
  readonly createdBy?: Person;
  readonly submittedBy?: Person | null;
  readonly disbursed?: string;
  readonly disbursements?: Disbursement[];
  readonly pendingAdjustment?: { status?: string; reason?: string } | null;
  readonly approvedVersion?: number | null;
  readonly withdrawal?: { reason: string; by: Person; at: string } | null;
  readonly imported?: { amountUnit?: string } | null;
}

export interface ReviewItem {
  readonly targetId: string;
  readonly stage: 'department' | 'finance';
  readonly kind: 'target' | 'adjustment';
  readonly unitCode: string;
  readonly unitName?: string;
  readonly projectName: string;
  readonly budget?: { readonly total: string } | null;
  readonly since: string;
}

export interface CheckpointFigure {
  readonly checkpoint: Checkpoint;
  readonly date: string;
  readonly plannedPct: number;
  readonly actualPct: number | null;
  readonly lagPp?: number;
}

export interface MonitoredTarget {
  readonly targetId: string;
  readonly unit: string;
  readonly name: string;
  readonly budget: string;
  readonly disbursed: string;
  readonly actualPct: number;
  readonly plannedPct: number;
  readonly timePct: number;
  readonly lagPp: number;
  readonly level: Level;
  readonly checkpoints: CheckpointFigure[];
}

export interface MonitoredUnit {
  readonly unit: string;
  readonly targets: number;
  readonly budget: string;
  readonly disbursed: string;
  readonly actualPct: number;
  readonly behind: { yellow: number; red: number };
}

export interface Execution {
  readonly targetId: string;
  readonly fiscalYear: number;
  readonly asOf: string;
  readonly budget: string;
  readonly disbursed: string;
  readonly checkpoints: CheckpointFigure[];
  readonly series: { date: string; plannedPct: number; actualPct: number | null }[];
}

export interface Delivery {
  readonly recipientId: string;
  readonly channel: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly escalation: boolean;
  readonly deliveredAt: string | null;
}

export interface Alert {
  readonly id: string;
  readonly targetId: string;
  readonly unit: string;
  readonly name?: string;
  readonly kind: 'checkpoint' | 'early' | string;
  readonly level: Level;
  readonly period: string;
  readonly asOf: string;
  readonly lagPp: number;
  readonly plannedPct?: number;
  readonly actualPct?: number;
  readonly recipients: { userId: string; name: string; role: string }[];
  readonly deliveries: Delivery[];
  readonly raisedAt?: string;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy?: Person | null;
  readonly acknowledgementNote?: string | null;
}

export interface AuditEvent {
  readonly position: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly actor: { id: string; name: string; role: string; unit: string | null };
  readonly at: string;
  readonly requestId: string;
}

export interface ImportReport {
  readonly fiscalYear: number;
  readonly dryRun?: boolean;
  readonly created: number;
  readonly revised: number;
  readonly unchanged: number;
  readonly conflicts: { id: string; table: number; status: Status }[];
  readonly targets: {
    id: string;
    table?: number;
    name: string;
    budget: string;
    outcome?: string;
    status?: Status;
    problems: string[];
  }[];
  readonly units: { code: string; name: string; targets: number; budget: string }[];
  readonly totalBudget: string;
  readonly problems: string[];
  /** Document-level warnings (e.g. another year than the one imported into), shown before committing. */
  readonly warnings?: string[];
  /** The run's id, for 撤销本次导入; null for a dry run. */
  readonly importId?: string | null;
}

/** POST /imports/:importId/withdraw. */
export interface ImportWithdrawal {
  readonly importId: string;
  readonly withdrawn: string[];
  readonly skipped: { id: string; status: Status }[];
}
