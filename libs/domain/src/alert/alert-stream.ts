import { Command, Decider, DomainEvent, eventMetadata } from '../shared/decider';
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
