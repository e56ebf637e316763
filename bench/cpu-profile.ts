/**
 * Where a process's CPU went, from a `--cpu-prof` profile (BENCH_PROFILE_DIR of http.bench):
 *
 *   node dist/bench/cpu-profile.js <file.cpuprofile> [seconds before the end] [top n]
 *
 * Prints self time by package (node_modules/<name>, our code by directory, node's internals,
 * GC, idle) and the top functions by self time and by total time (self + callees), over the
 * samples of the last `seconds` of the profile (default: all), so a load's window can be
 * taken without the process's start.
 */
import { readFileSync } from 'fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return '(native/vm)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m =
    /\/(libs\/[^/]+\/src\/[^/]+)\//.exec(url) ??
    /\/(apps\/[^/]+)\//.exec(url) ??
    /\/(bench)\/[^/]+$/.exec(url);
  return m ? m[1] : url;
}

const label = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

function table(title: string, m: Map<string, number>, total: number, top: number): void {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((v / total) * 100).toFixed(1).padStart(6)}%  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    );
}

function main(): void {
  const [file, secs, topArg] = process.argv.slice(2);
  const top = Number(topArg ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const from = secs ? p.endTime - Number(secs) * 1e6 : p.startTime;
  const self = new Map<number, number>();
  let t = p.startTime;
  let total = 0;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i];
    if (t < from) return;
    const dt = p.timeDeltas[i + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const byPkg = new Map<string, number>();
  const bySelf = new Map<string, number>();
  const byTotal = new Map<string, number>();
  for (const [id, dt] of self) {
    const n = byId.get(id) as Node;
    const pkg = n.callFrame.url ? where(n.callFrame.url) : n.callFrame.functionName;
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + dt);
    bySelf.set(label(n), (bySelf.get(label(n)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let a: number | undefined = id; a !== undefined; a = parent.get(a)) {
      const l = label(byId.get(a) as Node);
      if (!seen.has(l)) byTotal.set(l, (byTotal.get(l) ?? 0) + dt);
      seen.add(l);
    }
  }
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s of samples`);
  table('self time by package', byPkg, total, top);
  table('self time by function', bySelf, total, top);
  table('total time (self + callees) by function', byTotal, total, top);
}

main();
