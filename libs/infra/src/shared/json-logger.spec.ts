import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  it('writes one JSON object per line, with the fields of an object message', () => {
    const lines: string[] = [];
    const log = new JsonLogger('log', (l) => lines.push(l));
    log.log({ msg: 'request', requestId: 'r-1', status: 201 }, 'http');
    log.error('boom', 'Error: boom\n    at x', 'worker');
    log.debug('hidden');
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(a).toMatchObject({
      level: 'log',
      context: 'http',
      msg: 'request',
      requestId: 'r-1',
      status: 201,
    });
    expect(b).toMatchObject({
      level: 'error',
      context: 'worker',
      msg: 'boom',
      stack: 'Error: boom\n    at x',
    });
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  });
});
