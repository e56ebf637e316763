import { hasHashTag, loadConfig, parseTrustProxy } from './app-config';

describe('Redis Cluster configuration', () => {
  it('without REDIS_CLUSTER_NODES: one Redis at REDIS_URL, the prefix as given', () => {
    const config = loadConfig({ REDIS_URL: 'redis://10.0.0.5:6380' });
    expect(config.redisUrl).toBe('redis://10.0.0.5:6380');
    expect(config.redisClusterNodes).toBeUndefined();
    expect(config.queuePrefix).toBe('bp');
    expect(loadConfig({ REDIS_CLUSTER_NODES: ' ' }).queuePrefix).toBe('bp');
  });

  it('with REDIS_CLUSTER_NODES: the nodes, and the prefix wrapped in a hash tag when it has none', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001, redis-b:7002,[::1]:7003' });
    expect(config.redisClusterNodes).toEqual([
      { host: '127.0.0.1', port: 7001 },
      { host: 'redis-b', port: 7002 },
      { host: '::1', port: 7003 },
    ]);
    expect(config.queuePrefix).toBe('{bp}');
    const nodes = { REDIS_CLUSTER_NODES: '127.0.0.1:7001' };
    expect(loadConfig({ ...nodes, QUEUE_PREFIX: 'bp-prod' }).queuePrefix).toBe('{bp-prod}');
    expect(loadConfig({ ...nodes, QUEUE_PREFIX: '{bp}-prod' }).queuePrefix).toBe('{bp}-prod');
    expect(loadConfig({ ...nodes, QUEUE_PREFIX: 'bp{}' }).queuePrefix).toBe('{bp{}}');
    expect(loadConfig(nodes, { queuePrefix: 'bp-test-x' }).queuePrefix).toBe('{bp-test-x}');
  });

  it('refuses a node that is not host:port, and an empty prefix on a cluster', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001,redis-b' })).toThrow(
      /REDIS_CLUSTER_NODES: "redis-b" is not host:port/,
    );
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:70000' })).toThrow(/not host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001', QUEUE_PREFIX: '' })).toThrow(
      /QUEUE_PREFIX must not be empty/,
    );
  });

  it('knows a hash tag as Redis does: the first { and the first } after it, not empty', () => {
    const tagged = ['{bp}', 'x{bp}', '{bp}:{x}', '{{}'];
    expect(tagged.filter(hasHashTag)).toEqual(tagged);
    expect(['bp', '{}bp', 'bp}{', '{bp', 'b}p'].filter(hasHashTag)).toEqual([]);
  });
});

describe('secrets, proxies and production (issue 14)', () => {
  it('has no token secret of its own: unset or empty JWT_SECRET leaves it to the database', () => {
    expect(loadConfig({}).jwtSecret).toBeUndefined();
    expect(loadConfig({ JWT_SECRET: '' }).jwtSecret).toBeUndefined();
    expect(loadConfig({ JWT_SECRET: 's3cret' }).jwtSecret).toBe('s3cret');
  });

  it('trusts no proxy unless TRUST_PROXY names one', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(['', 'false', 'true', '2', 'loopback, 10.0.0.1'].map(parseTrustProxy)).toEqual([
      false,
      false,
      true,
      2,
      'loopback, 10.0.0.1',
    ]);
  });

  it('knows production by NODE_ENV', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).production).toBe(true);
    expect(loadConfig({}).production).toBe(false);
  });
});
