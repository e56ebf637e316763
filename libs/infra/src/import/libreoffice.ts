import { spawn, spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { delimiter, join } from 'path';

/** Bounds of one conversion: LibreOffice runs at most this long and may write at most this much. */
export interface ConversionLimits {
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

export const CONVERSION_LIMITS: ConversionLimits = { timeoutMs: 60_000, maxOutputBytes: 20 << 20 };

export class ConversionFailed extends Error {}

/** The LibreOffice program: `SOFFICE_PATH`, else `soffice` or `libreoffice` on the PATH; null when absent. */
export function findSoffice(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.SOFFICE_PATH !== undefined)
    return env.SOFFICE_PATH && existsSync(env.SOFFICE_PATH) ? env.SOFFICE_PATH : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of ['soffice', 'libreoffice']) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

let unshareFlag: string | null | undefined;

/** `unshare -n` (root) or `-rn` (user namespaces) when the machine lets a child be cut off the network. */
function command(soffice: string, args: string[]): [string, string[]] {
  if (unshareFlag === undefined) {
    unshareFlag = ['-n', '-rn'].find((f) => spawnSync('unshare', [f, 'true']).status === 0) ?? null;
  }
  return unshareFlag ? ['unshare', [unshareFlag, soffice, ...args]] : [soffice, args];
}

function run(program: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'ignore', detached: true });
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      reject(new ConversionFailed(`转换超过 ${Math.round(timeoutMs / 1000)} 秒，已中止`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ConversionFailed(e.message));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new ConversionFailed(`LibreOffice 退出码 ${code}`));
    });
  });
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Converts a legacy document (.doc, WPS, .odt, .rtf) to .docx with LibreOffice headless: in a
 * temporary folder with a profile of its own, without network where the machine allows it,
 * bounded in time and output size, one conversion at a time per process.
 */
export function convertToDocx(
  soffice: string,
  data: Buffer,
  extension: string,
  limits: ConversionLimits = CONVERSION_LIMITS,
): Promise<Buffer> {
  const job = queue.then(() => convertOnce(soffice, data, extension, limits));
  queue = job.catch(() => undefined);
  return job;
}

async function convertOnce(
  soffice: string,
  data: Buffer,
  extension: string,
  limits: ConversionLimits,
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'bp-convert-'));
  try {
    const input = join(dir, `document.${extension}`);
    await writeFile(input, data);
    const args = [
      '--headless',
      '--norestore',
      '--nolockcheck',
      '--nodefault',
      '--nologo',
      `-env:UserInstallation=file://${join(dir, 'profile')}`,
      '--convert-to',
      'docx:MS Word 2007 XML',
      '--outdir',
      join(dir, 'out'),
      input,
    ];
    const [program, argv] = command(soffice, args);
    await run(program, argv, limits.timeoutMs);
    const output = join(dir, 'out', 'document.docx');
    const size = await stat(output).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) throw new ConversionFailed('LibreOffice 没有生成 .docx');
    if (size > limits.maxOutputBytes) throw new ConversionFailed('转换结果过大');
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
