import 'reflect-metadata';
import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  HttpCode,
  Injectable,
  Module,
  Param,
  Post,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import autocannon from 'autocannon';
import { spawn } from 'child_process';
import { createSecretKey, randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { verify } from 'jsonwebtoken';
import { DisbursementDto } from '../apps/api/src/disbursements/disbursement.dto';
import { validationPipe } from '../apps/api/src/http/validation';
import { round } from './load';

/**
 * NestJS on Express against NestJS on Fastify, the framework alone: the API's own validation
 * pipe and disbursement DTO, a guard verifying an HS256 bearer token (as the API's), a JSON
 * answer of a disbursement's size, and no database. Each adapter in a process of its own driven
 * by autocannon at BENCH_CONNECTIONS (8), BENCH_SECONDS each, BENCH_REPEAT rounds, alternating;
 * CPU milliseconds the server spent per request beside the rate, so a busy machine still shows
 * the framework's own cost. Run: `node dist/bench/framework.bench.js`.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS?.split(',')[0] ?? 8);
const SECRET = 'bench-secret';
const KEY = createSecretKey(Buffer.from(SECRET));

@Injectable()
class BearerGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (!token) throw new UnauthorizedException();
    verify(token, KEY, { algorithms: ['HS256'] });
    return true;
  }
}

@Controller('targets')
class BenchController {
  @Post(':id/disbursements')
  @HttpCode(201)
  @UseGuards(BearerGuard)
  record(@Param('id') id: string, @Body() body: DisbursementDto) {
    return {
      id: randomUUID(),
      targetId: id,
      amount: body.amount,
      date: body.date ?? null,
      period: null,
      voucherNo: body.voucherNo,
      source: 'fiscal',
      note: '',
      disbursed: '1234.56',
    };
  }
}

@Module({ controllers: [BenchController], providers: [BearerGuard] })
class BenchModule {}

async function serve(kind: string, port: number): Promise<void> {
  const app =
    kind === 'fastify'
      ? await NestFactory.create(BenchModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(BenchModule, { logger: false });
  app.useGlobalPipes(validationPipe());
  await app.listen(port, '127.0.0.1');
  process.send?.('ready');
}

const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

async function measure(kind: string) {
  const port = 3990 + Math.floor(Math.random() * 9);
  const child = spawn(process.execPath, [__filename, 'serve', kind, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((r) => child.once('message', r));
  const token = new JwtService({ secret: SECRET }).sign({ sub: 'bench' });
  const run = () =>
    autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/targets/2022-314001-X/disbursements',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ amount: '0.01', date: '2022-05-10', voucherNo: 'v-1' }),
        },
      ],
    });
  await autocannon({ url: `http://127.0.0.1:${port}`, connections: 2, duration: 1 }); // warm-up
  const before = cpuMs(child.pid as number);
  const r = await run();
  const cpu = cpuMs(child.pid as number) - before;
  child.kill('SIGTERM');
  const total = r.requests.total;
  return {
    adapter: kind,
    'req/s': Math.round(r.requests.average),
    'p50 ms': r.latency.p50,
    'p99 ms': r.latency.p99,
    'server CPU ms a request': round(cpu / Math.max(1, total), 3),
    non2xx: r.non2xx,
  };
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') return serve(process.argv[3], Number(process.argv[4]));
  const rows = [];
  for (let n = 0; n < REPEAT; n++)
    for (const kind of ['express', 'fastify'])
      rows.push({ round: n + 1, ...(await measure(kind)) });
  console.log(`\nframework: NestJS on Express and on Fastify, ${CONNECTIONS} connections`);
  console.table(rows);
  process.exit(0);
}

void main();
