import { deciderSpec } from '../shared/decider.testing';
import { Principal } from '../shared/scope';
import {
  acknowledgingRole,
  AlertAcknowledged,
  alertDecider,
  AlertEscalated,
  deliveryDecider,
  DeliverAlert,
} from './alert-stream';

const metadata = {
  actor: { id: 'h1', name: '单位负责人', role: 'unit_head' as const },
  at: '2022-07-01T02:00:00.000Z',
  requestId: 'r1',
};
const ack = {
  type: 'AcknowledgeAlert' as const,
  data: { alertId: 'a1', targetId: 't1' },
  metadata,
};
const acknowledged: AlertAcknowledged = {
  type: 'AlertAcknowledged',
  data: ack.data,
  metadata: { ...metadata, command: 'AcknowledgeAlert' },
};
const escalated: AlertEscalated = {
  type: 'AlertEscalated',
  data: { alertId: 'a1', asOf: '2022-07-08', days: 7, to: [{ userId: 'r1', name: '审核人' }] },
  metadata: { ...metadata, command: 'SweepAlerts' },
};

describe('alert stream decider', () => {
  const spec = deciderSpec(alertDecider);
  it('acknowledges a raised (or escalated) alert once', () => {
    spec.given([]).when(ack).then([acknowledged]);
    spec.given([escalated]).when(ack).then([acknowledged]);
  });
  it('acknowledging again decides nothing', () => {
    spec.given([acknowledged]).when(ack).thenNothing();
    spec.given([acknowledged, escalated]).when(ack).thenNothing();
  });
});

describe('delivery decider', () => {
  const deliver: DeliverAlert = {
    type: 'DeliverAlert',
    data: {
      alertId: 'a1',
      deliveryId: 'd1',
      channel: 'webhook',
      recipient: { userId: 'h1', name: '单位负责人' },
      escalation: false,
    },
    metadata,
  };
  const spec = deciderSpec(deliveryDecider);
  it('records a delivery once; a retried job decides nothing', () => {
    const delivered = {
      type: 'AlertDelivered' as const,
      data: deliver.data,
      metadata: { ...metadata, command: 'DeliverAlert' },
    };
    spec.given([]).when(deliver).then([delivered]);
    spec.given([delivered]).when(deliver).thenNothing();
  });
});

describe('acknowledgingRole', () => {
  const alert = { unitCode: '314001', recipients: [{ userId: 'p1' }] };
  const who = (p: Partial<Principal>): Principal => ({ id: 'x', name: '某人', roles: [], ...p });
  it('a recipient acknowledges in their first role; the unit head as unit head', () => {
    expect(acknowledgingRole(who({ id: 'p1', roles: ['preparer'] }), alert)).toBe('preparer');
    expect(acknowledgingRole(who({ roles: ['unit_head'], unit: '314001' }), alert)).toBe(
      'unit_head',
    );
  });
  it('anyone else, the head of another unit included, is refused in Chinese', () => {
    for (const p of [
      who({ roles: ['preparer'], unit: '314001' }),
      who({ roles: ['unit_head'], unit: '314002' }),
    ]) {
      expect(() => acknowledgingRole(p, alert)).toThrow('只有该预警的接收人或单位负责人可以确认');
    }
  });
});
