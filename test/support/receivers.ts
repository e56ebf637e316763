import { createServer, Server } from 'http';
import { SMTPServer } from 'smtp-server';
import { freePort } from './processes';

export interface WebhookReceiver {
  readonly url: (path: string) => string;
  /** Bodies received, by path, in order (failed answers included). */
  readonly received: Map<string, unknown[]>;
  /** Every request in order of arrival, with its headers and the status it was answered (0: none). */
  readonly requests: WebhookRequest[];
  /** Answers 500 to the first `n` posts to `path`, or never answers (`hang`). */
  failFirst(path: string, n: number): void;
  hang(path: string): void;
  close(): Promise<void>;
}

export interface WebhookRequest {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  status: number;
}

/** A local HTTP server standing in for a DingTalk/WeCom group robot. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const port = await freePort();
  const received = new Map<string, unknown[]>();
  const failures = new Map<string, number>();
  const hanging = new Set<string>();
  const requests: WebhookRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const parsed = JSON.parse(body || 'null');
      received.set(path, [...(received.get(path) ?? []), parsed]);
      const logged: WebhookRequest = { path, headers: req.headers, body: parsed, status: 0 };
      requests.push(logged);
      if (hanging.has(path)) return; // never answers
      const left = failures.get(path) ?? 0;
      if (left > 0) {
        failures.set(path, left - 1);
        logged.status = 500;
        res.writeHead(500).end('{"errcode":500}');
        return;
      }
      logged.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    requests,
    failFirst: (path, n) => failures.set(path, n),
    hang: (path) => hanging.add(path),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface MailReceiver {
  readonly url: string;
  readonly mails: { to: string[]; raw: string }[];
  close(): Promise<void>;
}

/** A local SMTP server (smtp-server) that keeps every message it is sent. */
export async function startSmtpServer(): Promise<MailReceiver> {
  const port = await freePort();
  const mails: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
