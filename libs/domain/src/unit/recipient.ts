import { InvalidInput } from '../shared/errors';

/** Someone alerts go to, with the channels they have: the in-app inbox always, e-mail and a group robot's webhook if given. */
export interface Recipient {
  readonly userId: string;
  readonly name: string;
  readonly email?: string;
  readonly webhookUrl?: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Checks recipients: ids and names present, unique ids, e-mail and webhook well formed. */
export function assertRecipients(list: readonly Recipient[], field: string): void {
  const seen = new Set<string>();
  list.forEach((r, i) => {
    const at = `${field}.${i}`;
    if (!r.userId?.trim() || r.userId.length > 100)
      throw new InvalidInput(
        'INVALID_RECIPIENT',
        '请填写用户账号（最多 100 个字符）',
        `${at}.userId`,
      );
    if (!r.name?.trim() || r.name.length > 100)
      throw new InvalidInput('INVALID_RECIPIENT', '请填写姓名（最多 100 个字符）', `${at}.name`);
    if (seen.has(r.userId))
      throw new InvalidInput('DUPLICATE_RECIPIENT', `用户 ${r.userId} 重复列出`, `${at}.userId`);
    seen.add(r.userId);
    if (r.email !== undefined && !EMAIL.test(r.email))
      throw new InvalidInput('INVALID_EMAIL', `“${r.email}”不是有效的电子邮箱地址`, `${at}.email`);
    if (r.webhookUrl !== undefined && !isHttpUrl(r.webhookUrl)) {
      throw new InvalidInput(
        'INVALID_WEBHOOK_URL',
        '群机器人地址应为 http 或 https 网址',
        `${at}.webhookUrl`,
      );
    }
  });
}
