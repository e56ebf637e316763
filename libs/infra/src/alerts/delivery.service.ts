import { alertMessage, AlertFacts, deliveryDecider, deliveryStreamId, Recipient } from '@bp/domain';
import { createTransport, Transporter } from 'nodemailer';
import { Database } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { EventStoreContext, handle } from '../event-store/handle';
import { Clock } from '../shared/clock';
import { OutboundPolicy } from './outbound';
import { postWebhook } from './webhook-post';

interface DeliveryRow {
  id: string;
  channel: 'email' | 'webhook';
  address: string;
  status: string;
  recipient_id: string;
  recipient_name: string;
  escalation: boolean;
  alert_id: string;
  target_id: string;
  project_name: string;
  unit_code: string;
  kind: AlertFacts['kind'];
  level: AlertFacts['level'];
  period: string;
  as_of: string;
  planned_pct: string;
  actual_pct: string;
  lag_pp: string;
}

/** One channel's outcome of a test message: the HTTP status of a webhook, an SMTP code if any. */
export interface TestDelivery {
  readonly channel: 'email' | 'webhook';
  readonly address: string;
  readonly status: 'delivered' | 'failed';
  readonly statusCode: number | null;
  readonly error?: string;
}

export interface DeliveryConfig {
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly webhookTimeoutMs: number;
  /** OUTBOUND_ALLOW: hosts and CIDR ranges webhooks may reach although loopback or private. */
  readonly outboundAllow: readonly string[];
}

/**
 * Sends one delivery (a webhook in the DingTalk/WeCom robot shape, or an e-mail) and records the
 * attempt: on the row (attempts, last error, status) and, once delivered, as an event. A failure
 * is thrown so that BullMQ retries with backoff; the last one leaves the row `failed`.
 */
/**
 * Why a delivery failed, as the alert list shows it (`lastError`): in Chinese, with the
 * transport's code (`ECONNREFUSED`, an SMTP status) where it gives one. Our own reasons are
 * Chinese already; fetch's and nodemailer's are English and stay in the worker's log.
 */
export function deliveryError(e: unknown, channel: string, timeoutMs: number): string {
  const err = e as Error & { code?: string; responseCode?: number; cause?: { code?: string } };
  if (/[\u4e00-\u9fff]/.test(err?.message ?? '')) return err.message;
  const where = channel === 'webhook' ? '群机器人地址' : '邮件服务器';
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `${where}在 ${timeoutMs} 毫秒内未回应`;
  const code = err?.cause?.code ?? err?.code ?? err?.responseCode;
  return code !== undefined ? `无法送达${where}（${code}）` : `无法送达${where}`;
}

export class DeliveryService {
  private readonly mailer?: Transporter;
  private readonly outbound: OutboundPolicy;

  private readonly ctx: EventStoreContext;

  constructor(
    private readonly db: Database,
    store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly config: DeliveryConfig,
  ) {
    this.ctx = { db, store };
    this.mailer = config.smtpUrl ? createTransport(config.smtpUrl) : undefined;
    this.outbound = new OutboundPolicy(config.outboundAllow);
  }

  async deliver(deliveryId: string, finalAttempt: boolean): Promise<'delivered' | 'skipped'> {
    const d = await this.load(deliveryId);
    if (!d || d.status !== 'pending') return 'skipped';
    const message = alertMessage(factsOf(d));
    try {
      if (d.channel === 'webhook') await this.postWebhook(d, message);
      else await this.sendMail(d.address, message);
    } catch (e) {
      const why = deliveryError(e, d.channel, this.config.webhookTimeoutMs);
      await this.db.query(
        `UPDATE alert_deliveries SET attempts = attempts + 1, last_error = $2, status = $3 WHERE id = $1`,
        [deliveryId, why.slice(0, 500), finalAttempt ? 'failed' : 'pending'],
      );
      throw e;
    }
    await this.recordDelivered(d);
    return 'delivered';
  }

  /**
   * A test message to one recipient on each channel they have, through the same transport as
   * alerts (the robot's JSON under the outbound policy; SMTP when SMTP_URL is set), once, no
   * retry: the admin sees at once whether each channel works and, for a webhook, its status.
   */
  async sendTest(r: Recipient, m: { title: string; text: string }): Promise<TestDelivery[]> {
    const out: TestDelivery[] = [];
    if (r.webhookUrl) out.push(await this.testWebhook(r.webhookUrl, m));
    if (r.email) out.push(await this.testMail(r.email, m));
    return out;
  }

  private async testWebhook(url: string, m: { title: string; text: string }) {
    const base = { channel: 'webhook' as const, address: url };
    try {
      const reply = await postWebhook(
        this.outbound,
        url,
        { 'Content-Type': 'application/json', 'X-Test-Message': '1' },
        JSON.stringify({ msgtype: 'markdown', markdown: { title: m.title, text: m.text } }),
        this.config.webhookTimeoutMs,
      );
      const ok = reply.status >= 200 && reply.status < 300;
      const refused = reply.errcode !== undefined && reply.errcode !== 0;
      return {
        ...base,
        status: ok && !refused ? ('delivered' as const) : ('failed' as const),
        statusCode: reply.status,
        ...(ok && !refused
          ? {}
          : {
              error: refused
                ? `群机器人拒收：错误码 ${reply.errcode}`
                : `群机器人地址回应 HTTP ${reply.status}`,
            }),
      };
    } catch (e) {
      const error = deliveryError(e, 'webhook', this.config.webhookTimeoutMs);
      return { ...base, status: 'failed' as const, statusCode: null, error };
    }
  }

  private async testMail(to: string, m: { title: string; text: string }) {
    const base = { channel: 'email' as const, address: to };
    try {
      await this.sendMail(to, m);
      return { ...base, status: 'delivered' as const, statusCode: null };
    } catch (e) {
      const error = deliveryError(e, 'email', this.config.webhookTimeoutMs);
      const code = (e as { responseCode?: number }).responseCode ?? null;
      return { ...base, status: 'failed' as const, statusCode: code, error };
    }
  }

  private async load(id: string): Promise<DeliveryRow | undefined> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT d.id, d.channel, d.address, d.status, d.recipient_id, d.recipient_name, d.escalation, d.alert_id, a.target_id,
              a.project_name, a.unit_code, a.kind, a.level, a.period, to_char(a.as_of, 'YYYY-MM-DD') AS as_of,
              a.planned_pct, a.actual_pct, a.lag_pp
         FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id WHERE d.id = $1`,
      [id],
    );
    return rows[0];
  }

  /**
   * Posts the robot's JSON. Delivery is at least once, so the headers name the alert and the
   * delivery: a repeated post carries the same ids and a receiver of our own can drop it (a
   * DingTalk/WeCom robot ignores them). Only the status (and a robot's numeric error code) is
   * kept of the reply: its text is never echoed into the status unit heads read.
   */
  private async postWebhook(d: DeliveryRow, m: { title: string; text: string }): Promise<void> {
    const reply = await postWebhook(
      this.outbound,
      d.address,
      { 'Content-Type': 'application/json', 'X-Alert-Id': d.alert_id, 'X-Delivery-Id': d.id },
      JSON.stringify({ msgtype: 'markdown', markdown: { title: m.title, text: m.text } }),
      this.config.webhookTimeoutMs,
    );
    if (reply.status >= 300 && reply.status < 400)
      throw new Error(`群机器人地址回应 HTTP ${reply.status}（重定向不会跟随）`);
    if (reply.status < 200 || reply.status >= 300)
      throw new Error(`群机器人地址回应 HTTP ${reply.status}`);
    if (reply.errcode !== undefined && reply.errcode !== 0)
      throw new Error(`群机器人拒收：错误码 ${reply.errcode}`);
  }

  private async sendMail(to: string, m: { title: string; text: string }): Promise<void> {
    if (!this.mailer) throw new Error('未配置 SMTP_URL，无法发送邮件');
    await this.mailer.sendMail({
      from: this.config.mailFrom,
      to,
      subject: m.title,
      text: m.text.replace(/^### /, ''),
    });
  }

  /** The AlertDelivered event and the delivery row's status, in one transaction, once. */
  private async recordDelivered(d: DeliveryRow): Promise<void> {
    const at = this.clock.now().toISOString();
    const metadata = {
      actor: { id: 'system', name: '系统（预警发送）', role: 'admin' as const },
      at,
      requestId: `delivery-${d.id}`,
      correlationId: d.alert_id,
    };
    const data = {
      alertId: d.alert_id,
      deliveryId: d.id,
      channel: d.channel,
      recipient: { userId: d.recipient_id, name: d.recipient_name },
      escalation: d.escalation,
    };
    const command = { type: 'DeliverAlert' as const, data, metadata };
    await handle(this.ctx, deliveryDecider, deliveryStreamId(d.id), command, {
      alsoWrite: async (sql) => {
        await sql.query(
          `UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL, delivered_at = $2 WHERE id = $1`,
          [d.id, at],
        );
      },
    });
  }
}

function factsOf(d: DeliveryRow): AlertFacts {
  return {
    targetId: d.target_id,
    projectName: d.project_name,
    unitCode: d.unit_code,
    kind: d.kind,
    level: d.level,
    period: d.period,
    asOf: d.as_of,
    plannedPct: Number(d.planned_pct),
    actualPct: Number(d.actual_pct),
    lagPp: Number(d.lag_pp),
    escalation: d.escalation,
  };
}
