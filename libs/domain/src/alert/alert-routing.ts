import { addDays, BusinessDate } from '../shared/business-date';
import { Recipient } from '../unit/recipient';
import { AlertLevel } from './alert-policy';

/*
 * Who hears of an alert, when it is escalated and over which channels (issue 16, item 4). Pure:
 * the sweep reads the units, departments and alerts, asks these functions, and writes.
 */

export type RecipientRole = 'unit_head' | 'department_reviewer';
export type AlertRecipient = Recipient & { readonly role: RecipientRole };
export type Channel = 'inbox' | 'email' | 'webhook';

const as =
  (role: RecipientRole) =>
  (r: Recipient): AlertRecipient => ({ ...r, role });

/** Every alert goes to the unit's heads; a red one also to its department's reviewers. */
export function alertRecipients(
  level: AlertLevel,
  unitHeads: readonly Recipient[],
  departmentReviewers: readonly Recipient[],
): AlertRecipient[] {
  const heads = unitHeads.map(as('unit_head'));
  return level === 'red'
    ? [...heads, ...departmentReviewers.map(as('department_reviewer'))]
    : heads;
}

/** An escalation goes once more to the department's reviewers. */
export function escalationRecipients(departmentReviewers: readonly Recipient[]): AlertRecipient[] {
  return departmentReviewers.map(as('department_reviewer'));
}

/** Only red alerts are escalated. */
export const ESCALATED_LEVEL: AlertLevel = 'red';

/**
 * The latest as-of date of a red alert that a sweep as of `asOf` escalates when nobody has
 * acknowledged it: `days` days earlier (so with 3 days, an alert of the 1st goes on the 4th).
 */
export function escalationCutoff(asOf: BusinessDate, days: number): BusinessDate {
  return addDays(asOf, -days);
}

/** The state of a raised alert that escalation depends on. */
export interface EscalationInput {
  readonly level: AlertLevel;
  readonly asOf: BusinessDate;
  readonly acknowledged: boolean;
  readonly escalated: boolean;
}

/** Is the alert escalated by a sweep as of `asOf`? Red, unacknowledged, not yet escalated, old enough. */
export function escalationDue(alert: EscalationInput, asOf: BusinessDate, days: number): boolean {
  return (
    alert.level === ESCALATED_LEVEL &&
    !alert.acknowledged &&
    !alert.escalated &&
    alert.asOf <= escalationCutoff(asOf, days)
  );
}

/**
 * The channels one recipient is reached on: the inbox always, e-mail if they have an address and
 * the service has SMTP, the webhook if they have a URL. Each with the address it goes to.
 */
export function deliveryChannels(
  recipient: Recipient,
  emailEnabled: boolean,
): { readonly channel: Channel; readonly address: string | null }[] {
  return [
    { channel: 'inbox' as const, address: null },
    ...(emailEnabled && recipient.email
      ? [{ channel: 'email' as const, address: recipient.email }]
      : []),
    ...(recipient.webhookUrl
      ? [{ channel: 'webhook' as const, address: recipient.webhookUrl }]
      : []),
  ];
}
