import { execFileSync } from 'child_process';
import { chownSync, mkdtempSync, rmSync } from 'fs';
import { readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { freePort } from './processes';

export interface PostgresServer {
  readonly url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** A tool of the machine's newest PostgreSQL (initdb, pg_ctl, pg_basebackup). */
export const bin = (tool: string) =>
  join(
    '/usr/lib/postgresql',
    readdirSync('/usr/lib/postgresql').sort().pop() as string,
    'bin',
    tool,
  );

/** PostgreSQL refuses to run as root: as root, its tools run as the postgres user. */
export const asPostgres = (args: string[]) =>
  process.getuid?.() === 0
    ? execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe' })
    : execFileSync(args[0], args.slice(1), { stdio: 'pipe' });

/** pg_ctl of a server's data folder; stop (fast), and destroy (immediate, folder removed). */
export function pgControl(dir: string, data: string) {
  const pgctl = (action: string, extra: string[] = []) =>
    asPostgres([bin('pg_ctl'), '-D', data, '-l', join(dir, 'log'), '-w', ...extra, action]);
  return {
    pgctl,
    stop: () => {
      pgctl('stop', ['-m', 'fast']);
    },
    destroy: () => {
      try {
        pgctl('stop', ['-m', 'immediate']);
      } catch {
        // stopped already, or never started
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A PostgreSQL server of the suite's own (initdb into a temporary folder, on a free port), so a
 * test may stop and restart it without touching the machine's server. Runs as the postgres user.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'bp-pg-'));
  const pid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, pid, gid);
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres([bin('initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const { pgctl, stop, destroy } = pgControl(dir, data);
  const start = () =>
    pgctl('start', ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}`,
    start,
    stop,
    destroy,
  };
}
