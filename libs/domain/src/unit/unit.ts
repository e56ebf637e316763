import { assertNever, Command, DomainEvent, eventMetadata } from '../shared/decider';
import { departmentOf } from '../shared/scope';

/** A spending unit (预算单位): its code, name and department. Heads come with the alerts. */
export type UnitRecorded = DomainEvent<
  'UnitRecorded',
  { readonly code: string; readonly name: string; readonly departmentCode: string }
>;
export type UnitEvent = UnitRecorded;

export type RecordUnit = Command<'RecordUnit', { readonly code: string; readonly name: string }>;
export type UnitCommand = RecordUnit;

export interface UnitState {
  readonly code: string | null;
  readonly name: string;
  readonly departmentCode: string;
  readonly version: number;
}

export const unitStreamId = (code: string) => `unit-${code}`;

export function initialUnitState(): UnitState {
  return { code: null, name: '', departmentCode: '', version: 0 };
}

export function evolveUnit(state: UnitState, event: UnitEvent): UnitState {
  switch (event.type) {
    case 'UnitRecorded':
      return { ...event.data, version: state.version + 1 };
    default:
      return assertNever(event.type);
  }
}

/** Records a unit seen in a document: new, or renamed; the same name again does nothing. */
export function decideUnit(command: UnitCommand, state: UnitState): UnitEvent[] {
  const { code, name } = command.data;
  if (state.code === code && state.name === name) return [];
  const data = { code, name, departmentCode: departmentOf(code) };
  return [{ type: 'UnitRecorded', data, metadata: eventMetadata(command) }];
}
