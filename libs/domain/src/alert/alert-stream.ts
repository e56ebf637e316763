import { Command, Decider, DomainEvent, eventMetadata, Role } from '../shared/decider';
import { Forbidden } from '../shared/errors';
import { Principal } from '../shared/scope';
import { Recipient } from '../unit/recipient';

/** What happens to an alert after it is raised, in its stream `alert-{id}`. */
export type AlertAcknowledged = DomainEvent<
  'AlertAcknowledged',
  // targetId puts the acknowledgement in the target's and its unit's trail (generated columns)
  { readonly alertId: string; readonly targetId: string; readonly note?: string }
>;
export type AlertEscalated = DomainEvent<
  'AlertEscalated',
  {
    readonly alertId: string;
    readonly asOf: string;
    readonly days: number;
    readonly to: readonly Recipient[];
  }
>;
export type AlertStreamEvent = AlertAcknowledged | AlertEscalated;
export type AcknowledgeAlert = Command<'AcknowledgeAlert', AlertAcknowledged['data']>;

export const alertStreamId = (alertId: string) => `alert-${alertId}`;

/**
 * Who may acknowledge an alert: one of its recipients, or the head of its unit (who answers for
 * the unit, whoever the alert went to). Answers the role they act in.
 */
export function acknowledgingRole(
  p: Principal,
  alert: { readonly unitCode: string; readonly recipients: readonly { userId: string }[] },
): Role {
  const head = p.roles.includes('unit_head');
  const mayAck =
    alert.recipients.some((r) => r.userId === p.id) || (head && p.unit === alert.unitCode);
  if (!mayAck) throw new Forbidden('NOT_A_RECIPIENT', '只有该预警的接收人或单位负责人可以确认');
  return head ? 'unit_head' : p.roles[0];
}

/** An alert is acknowledged once; again is a no-op, not an error (the officer clicked twice). */
export const alertDecider: Decider<AcknowledgeAlert, AlertStreamEvent, { acknowledged: boolean }> =
  {
    initialState: () => ({ acknowledged: false }),
    evolve: (s, e) => (e.type === 'AlertAcknowledged' ? { acknowledged: true } : s),
    decide: (c, s) =>
      s.acknowledged
        ? []
        : [{ type: 'AlertAcknowledged', data: c.data, metadata: eventMetadata(c) }],
  };

/** One delivery of an alert to one recipient on one channel, in its stream `delivery-{id}`. */
export type AlertDelivered = DomainEvent<
  'AlertDelivered',
  {
    readonly alertId: string;
    readonly deliveryId: string;
    readonly channel: string;
    readonly recipient: { readonly userId: string; readonly name: string };
    readonly escalation: boolean;
  }
>;
export type DeliverAlert = Command<'DeliverAlert', AlertDelivered['data']>;

export const deliveryStreamId = (deliveryId: string) => `delivery-${deliveryId}`;

/** A delivery is recorded once: a retried job that finds it delivered writes nothing. */
export const deliveryDecider: Decider<DeliverAlert, AlertDelivered, { delivered: boolean }> = {
  initialState: () => ({ delivered: false }),
  evolve: () => ({ delivered: true }),
  decide: (c, s) =>
    s.delivered ? [] : [{ type: 'AlertDelivered', data: c.data, metadata: eventMetadata(c) }],
};
