import { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import * as infra from '@bp/infra';
import {
  AuditService,
  DeliveryService,
  ProjectionRunner,
  SweepService,
  TargetStore,
  UserSessions,
} from '@bp/infra';
import { createTestApp, TestApp } from '../support/app-factory';
import { until } from '../support/processes';

const HANDLER_KEYS = ['__commandHandler__', '__queryHandler__', '__eventsHandler__'];
const isHandler = (c: unknown): c is abstract new (...a: never[]) => unknown =>
  typeof c === 'function' && HANDLER_KEYS.some((k) => Reflect.hasMetadata(k, c));

/** Every CQRS handler class the infrastructure defines (exported by its barrel). */
const ALL_HANDLERS = (Object.values(infra) as unknown[]).filter(isHandler);

/** Names of the handler classes an application's container holds, and in which modules. */
function handlersIn(app: INestApplicationContext): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const mod of app.get(ModulesContainer).values())
    for (const wrapper of mod.providers.values()) {
      if (!isHandler(wrapper.metatype)) continue;
      const name = wrapper.metatype.name;
      out.set(name, [...(out.get(name) ?? []), mod.metatype.name]);
    }
  return out;
}

const found = (app: INestApplicationContext, token: unknown) => {
  try {
    return app.get(token as never) !== undefined;
  } catch {
    return false;
  }
};

/** Issue 16 item 5: one module per slice; the API holds every handler, the worker none. */
describe('wiring by slice', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('wiring', {}, { withWorker: true });
    // the worker has run: its first catch-up made a checkpoint per projection and reactor (and a
    // stop right after start, before BullMQ's connections are ready, is not what this tests)
    await until(
      async () => (await t.sql(`SELECT name FROM projection_checkpoints`)).length === 3,
      20000,
      "the worker's first catch-up",
    );
  }, 60000);
  afterAll(() => t.close());

  it('the API registers every command and query handler exactly once, each in its slice module', () => {
    expect(ALL_HANDLERS.length).toBeGreaterThan(40);
    const api = handlersIn(t.app);
    expect([...api.keys()].sort()).toEqual(ALL_HANDLERS.map((h) => h.name).sort());
    for (const [name, modules] of api) {
      expect({ name, modules }).toEqual({ name, modules: [expect.stringMatching(/Module$/)] });
      expect(modules[0]).not.toMatch(/^(AppModule|CoreModule|InfraModule)$/);
    }
    expect(api.get('CreateTargetHandler')).toEqual(['TargetsModule']);
    expect(api.get('FileReportHandler')).toEqual(['EvaluationModule']);
    expect(api.get('AcknowledgeAlertHandler')).toEqual(['AlertsModule']);
  });

  it('the worker holds what it runs — projections, reactors, sweeps, deliveries, audit — and no handler', () => {
    const worker = t.worker!;
    expect(handlersIn(worker).size).toBe(0);
    for (const runs of [ProjectionRunner, SweepService, DeliveryService, AuditService])
      expect({ token: runs.name, found: found(worker, runs) }).toEqual({
        token: runs.name,
        found: true,
      });
    for (const httpOnly of [TargetStore, UserSessions, CommandBus])
      expect({ token: httpOnly.name, found: found(worker, httpOnly) }).toEqual({
        token: httpOnly.name,
        found: false,
      });
    expect(worker.get(ProjectionRunner).names()).toEqual([
      'execution',
      'review-queue',
      'divergence',
    ]);
  });

  it('both share one core each: the API and the worker have their own pool and event store', () => {
    expect(t.app.get(infra.Database)).not.toBe(t.worker!.get(infra.Database));
    expect(found(t.app, TargetStore)).toBe(true);
  });
});
