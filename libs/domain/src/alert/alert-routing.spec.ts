import {
  alertRecipients,
  deliveryChannels,
  escalationCutoff,
  escalationDue,
  escalationRecipients,
} from './alert-routing';

const head = { userId: 'h1', name: '单位负责人', email: 'h1@example.cn' };
const reviewer = { userId: 'r1', name: '主管部门审核人', webhookUrl: 'https://robot.example.cn/x' };

describe('who hears of an alert', () => {
  it('sends a yellow alert to the unit heads only', () => {
    expect(alertRecipients('yellow', [head], [reviewer])).toEqual([{ ...head, role: 'unit_head' }]);
  });

  it('sends a red alert to the unit heads and the department reviewers, heads first', () => {
    expect(alertRecipients('red', [head], [reviewer])).toEqual([
      { ...head, role: 'unit_head' },
      { ...reviewer, role: 'department_reviewer' },
    ]);
  });

  it('escalates to the department reviewers', () => {
    expect(escalationRecipients([reviewer])).toEqual([
      { ...reviewer, role: 'department_reviewer' },
    ]);
    expect(alertRecipients('red', [], [])).toEqual([]);
  });
});

describe('when a red alert is escalated', () => {
  const red = { level: 'red' as const, asOf: '2022-07-01', acknowledged: false, escalated: false };

  it('counts the days back across a month and a leap day', () => {
    expect(escalationCutoff('2022-07-04', 3)).toBe('2022-07-01');
    expect(escalationCutoff('2024-03-01', 1)).toBe('2024-02-29');
    expect(escalationCutoff('2023-01-02', 5)).toBe('2022-12-28');
  });

  it('escalates an unacknowledged red alert once it is `days` old, not a day earlier', () => {
    expect(escalationDue(red, '2022-07-04', 3)).toBe(true);
    expect(escalationDue(red, '2022-07-03', 3)).toBe(false);
  });

  it('leaves yellow, acknowledged and already escalated alerts alone', () => {
    expect(escalationDue({ ...red, level: 'yellow' }, '2022-08-01', 3)).toBe(false);
    expect(escalationDue({ ...red, acknowledged: true }, '2022-08-01', 3)).toBe(false);
    expect(escalationDue({ ...red, escalated: true }, '2022-08-01', 3)).toBe(false);
  });
});

describe('over which channels', () => {
  it('always uses the inbox, e-mail only with an address and SMTP, the webhook with a URL', () => {
    expect(deliveryChannels(head, true)).toEqual([
      { channel: 'inbox', address: null },
      { channel: 'email', address: 'h1@example.cn' },
    ]);
    expect(deliveryChannels(head, false)).toEqual([{ channel: 'inbox', address: null }]);
    expect(deliveryChannels(reviewer, true)).toEqual([
      { channel: 'inbox', address: null },
      { channel: 'webhook', address: 'https://robot.example.cn/x' },
    ]);
    expect(
      deliveryChannels({ ...head, ...reviewer, userId: 'x' }, true).map((c) => c.channel),
    ).toEqual(['inbox', 'email', 'webhook']);
  });
});
