import { deliveryError } from './delivery.service';

describe('deliveryError: why a delivery failed, as the alert list shows it', () => {
  it('says a timeout, a refused connection and an SMTP refusal in Chinese, with their code', () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED' },
    });
    const smtp = Object.assign(new Error('Message failed: 550 mailbox unavailable'), {
      responseCode: 550,
    });
    expect(deliveryError(timeout, 'webhook', 500)).toBe('群机器人地址在 500 毫秒内未回应');
    expect(deliveryError(refused, 'webhook', 500)).toBe('无法送达群机器人地址（ECONNREFUSED）');
    expect(deliveryError(smtp, 'email', 500)).toBe('无法送达邮件服务器（550）');
    expect(deliveryError(new Error('socket hang up'), 'email', 500)).toBe('无法送达邮件服务器');
  });

  it('keeps its own reasons, which are Chinese already', () => {
    const own = new Error('群机器人拒收：错误码 310000 keywords not in content');
    expect(deliveryError(own, 'webhook', 500)).toBe(own.message);
  });
});
