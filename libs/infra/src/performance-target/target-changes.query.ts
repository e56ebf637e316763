import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  inScope,
  NotFound,
  TargetChanges,
  targetChanges,
  TargetEvent,
  targetStreamId,
} from '@bp/domain';
import { PostgresEventStore } from '../event-store/event-store';
import { Caller, foldTarget, toDomainEvent } from './target-store';

/** What changed since the version a reviewer last saw (issue 15, item 2). */
export class GetTargetChangesQuery extends Query<TargetChanges> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
  ) {
    super();
  }
}

/** Computed from the stream, not a projection: the versions compared are in the events alone. */
@QueryHandler(GetTargetChangesQuery)
export class GetTargetChangesHandler implements IQueryHandler<GetTargetChangesQuery> {
  constructor(private readonly store: PostgresEventStore) {}

  async execute({ caller, targetId }: GetTargetChangesQuery): Promise<TargetChanges> {
    const events = await this.store.readStream(targetStreamId(targetId));
    const state = foldTarget(events);
    if (state.status === 'none' || !inScope(caller.scope, state.unitCode))
      throw new NotFound('TARGET_NOT_FOUND', `绩效目标 ${targetId} 不存在`, { targetId });
    return targetChanges(events.map((e) => toDomainEvent<TargetEvent>(e)));
  }
}
