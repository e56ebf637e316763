/** The roles of API.md. */
export const ROLES = [
  'preparer',
  'unit_head',
  'department_reviewer',
  'finance_reviewer',
  'auditor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Who acts: from the verified token, never from a request body. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  /** The role the actor acts in for this command. */
  readonly role: Role;
  readonly unit?: string;
  readonly department?: string;
}

/** Set by the infrastructure for every command: time, actor and tracing ids. */
export interface CommandMetadata {
  readonly actor: Actor;
  /** Server time of the command, ISO 8601. The domain never reads a clock. */
  readonly at: string;
  readonly requestId: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly ip?: string;
}

/** What every event carries: the command's metadata plus the command's name. */
export interface EventMetadata extends CommandMetadata {
  readonly command: string;
}

export interface Command<T extends string, D> {
  readonly type: T;
  readonly data: D;
  readonly metadata: CommandMetadata;
}

export interface DomainEvent<T extends string, D> {
  readonly type: T;
  readonly data: D;
  readonly metadata: EventMetadata;
}

/**
 * One aggregate's behaviour as pure functions: `decide` turns a command and the current state
 * into new events (or throws a DomainError), `evolve` folds an event into the state and never
 * throws.
 */
export interface Decider<C, E, S> {
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  readonly decide: (command: C, state: S) => readonly E[];
}

/** Rebuilds a state from its events. */
export function fold<E, S>(
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  events: readonly E[],
): S {
  return events.reduce(decider.evolve, decider.initialState());
}

export function eventMetadata(command: { type: string; metadata: CommandMetadata }): EventMetadata {
  return { ...command.metadata, command: command.type };
}

/** For exhaustive switches: a compile error when a case is missing. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
