import { request as httpRequest, IncomingMessage } from 'http';
import { request as httpsRequest } from 'https';
import { OutboundPolicy } from './outbound';

/** The most of a reply read, only to find a robot's numeric error code in it. */
const REPLY_CAP = 4096;

/**
 * Posts JSON to a webhook the policy allows, connecting to the address its `lookup` checked,
 * following no redirect. Answers the status and a robot's numeric `errcode` (DingTalk and WeCom
 * answer 200 with one when they refuse); nothing else of the reply is kept, its text never.
 */
export async function postWebhook(
  policy: OutboundPolicy,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; errcode?: number }> {
  const u = new URL(url);
  const why =
    u.protocol === 'http:' || u.protocol === 'https:'
      ? policy.literalProblem(u.hostname)
      : '只能是 http 或 https 网址';
  if (why) throw new Error(`群机器人地址不可用：${why}`);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(u, {
      method: 'POST',
      headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
      lookup: policy.lookup,
      timeout: timeoutMs,
    });
    req.on('response', resolve);
    req.on('timeout', () => req.destroy(new Error(`群机器人地址在 ${timeoutMs} 毫秒内未回应`)));
    req.on('error', reject);
    req.end(body);
  });
  return { status: res.statusCode ?? 0, errcode: await errcodeOf(res) };
}

/** Reads at most REPLY_CAP bytes of the reply and keeps only an integer `errcode`. */
async function errcodeOf(res: IncomingMessage): Promise<number | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= REPLY_CAP) break;
  }
  res.destroy();
  try {
    const code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { errcode?: unknown })
      .errcode;
    return Number.isSafeInteger(code) ? (code as number) : undefined;
  } catch {
    return undefined;
  }
}
