import { InvalidInput, Recipient } from '@bp/domain';
import { lookup as dnsLookup, LookupAddress } from 'dns';
import { LookupFunction } from 'net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Why an address may not be called, in the words a unit's admin reads; null: it may. */
function refusal(a: Address): string | null {
  const range = a.range();
  // only plain public unicast: loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
  // link-local (169.254/16 with the cloud metadata address, fe80::/10), unspecified, multicast,
  // carrier-grade NAT and the IPv6 forms that embed an IPv4 address are all refused
  if (range === 'unicast') return null;
  const names: Record<string, string> = {
    loopback: '本机地址',
    private: '内网地址',
    uniqueLocal: '内网地址',
    linkLocal: '链路本地地址（含云服务器元数据地址）',
    unspecified: '未指定地址',
    multicast: '组播地址',
    broadcast: '广播地址',
  };
  return names[range] ?? '保留地址';
}

/** An IPv4 address written in IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is. */
function parseAddress(text: string): Address | null {
  const bare = text.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : null;
}

/**
 * Where webhooks may go (issue 14, item 9): http and https only, and never to loopback, private,
 * link-local, metadata, unspecified or multicast addresses, unless the operator's allow-list
 * (OUTBOUND_ALLOW: hosts or CIDR ranges) names them. Checked when a webhook is saved and again
 * when it is called, on the addresses DNS gives then, which are the ones connected to.
 */
export class OutboundPolicy {
  private readonly hosts = new Set<string>();
  private readonly ranges: [Address, number][] = [];

  constructor(allow: readonly string[]) {
    for (const entry of allow) {
      const text = entry.trim().toLowerCase();
      if (text.includes('/')) this.ranges.push(parseRange(text));
      else {
        const ip = parseAddress(text);
        if (ip) this.ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
        else this.hosts.add(text);
      }
    }
  }

  /** Why the URL may not be called (scheme, or an address it names or resolves to); null: it may. */
  async problem(url: string): Promise<string | null> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return '不是有效的网址';
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return '只能是 http 或 https 网址';
    if (this.hosts.has(u.hostname.toLowerCase())) return null;
    const literal = parseAddress(u.hostname);
    if (literal) return this.addressProblem(literal, u.hostname);
    const found = await resolve(u.hostname);
    // a name that does not resolve now cannot be judged: the send-time check will judge it
    for (const a of found) {
      const why = this.addressProblem(ipaddr.process(a.address), u.hostname);
      if (why) return why;
    }
    return null;
  }

  /** Throws a 400 for the first recipient whose webhook may not be called. */
  async assertRecipients(list: readonly Recipient[], field: string): Promise<void> {
    for (const [i, r] of list.entries()) {
      // one that is not an http(s) URL at all is the domain's to refuse (INVALID_WEBHOOK_URL)
      if (r.webhookUrl === undefined || !/^https?:\/\//i.test(r.webhookUrl)) continue;
      const why = await this.problem(r.webhookUrl);
      if (why)
        throw new InvalidInput(
          'WEBHOOK_NOT_ALLOWED',
          `群机器人地址不可用：${why}。如确需使用，请由运维人员加入 \`OUTBOUND_ALLOW\``,
          `${field}.${i}.webhookUrl`,
        );
    }
  }

  /**
   * A `lookup` for the HTTP agent: resolves the name, refuses it if any address may not be
   * called, and answers the checked addresses, so the connection goes to what was checked
   * (a name that changes its answer between a check and the connect cannot slip through).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowedHost = this.hosts.has(hostname.toLowerCase());
      for (const a of addresses) {
        const why = allowedHost ? null : this.addressProblem(ipaddr.process(a.address), hostname);
        if (why) return callback(new Error(`群机器人地址不可用：${why}`), '', 0);
      }
      if (options.all) return (callback as AllCallback)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };

  /** For an address the URL names literally (no DNS). */
  literalProblem(hostname: string): string | null {
    if (this.hosts.has(hostname.toLowerCase())) return null;
    const ip = parseAddress(hostname);
    return ip ? this.addressProblem(ip, hostname) : null;
  }

  private addressProblem(a: Address, host: string): string | null {
    const why = refusal(a);
    if (!why || this.ranges.some((r) => inRange(a, r))) return null;
    return `${host} 是${why}（${a.toString()}）`;
  }
}

type AllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

function parseRange(text: string): [Address, number] {
  try {
    return ipaddr.parseCIDR(text);
  } catch {
    throw new Error(
      `OUTBOUND_ALLOW: "${text}" is not a host or a CIDR range (e.g. OUTBOUND_ALLOW=127.0.0.1,10.1.0.0/16)`,
    );
  }
}

function inRange(a: Address, [net, bits]: [Address, number]): boolean {
  // match() compares like with like only: IPv4 with IPv4, IPv6 with IPv6
  return net.kind() === a.kind() && (a as ipaddr.IPv4).match(net as ipaddr.IPv4, bits);
}

function resolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((res) =>
    dnsLookup(hostname, { all: true }, (err, addresses) => res(err ? [] : addresses)),
  );
}
