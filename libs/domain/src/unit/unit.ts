import { assertNever, Command, Decider, DomainEvent, eventMetadata } from '../shared/decider';
import { departmentOf } from '../shared/scope';
import { InvalidInput } from '../shared/errors';
import { sameJson } from '../shared/canonical-json';
import { assertRecipients, Recipient } from './recipient';

/** A spending unit (预算单位): its code, name and department. Heads come with the alerts. */
export type UnitRecorded = DomainEvent<
  'UnitRecorded',
  { readonly code: string; readonly name: string; readonly departmentCode: string }
>;
/** The unit's name and heads (单位负责人) set by an admin: the recipients of its alerts. */
export type UnitUpdated = DomainEvent<
  'UnitUpdated',
  {
    readonly code: string;
    readonly name: string;
    readonly departmentCode: string;
    readonly heads: readonly Recipient[];
  }
>;
export type UnitEvent = UnitRecorded | UnitUpdated;

export type RecordUnit = Command<'RecordUnit', { readonly code: string; readonly name: string }>;
export type SetUnit = Command<
  'SetUnit',
  { readonly code: string; readonly name: string; readonly heads: readonly Recipient[] }
>;
export type UnitCommand = RecordUnit | SetUnit;

export interface UnitState {
  readonly code: string | null;
  readonly name: string;
  readonly departmentCode: string;
  readonly heads: readonly Recipient[];
  readonly version: number;
}

export const unitStreamId = (code: string) => `unit-${code}`;

export function initialUnitState(): UnitState {
  return { code: null, name: '', departmentCode: '', heads: [], version: 0 };
}

export function evolveUnit(state: UnitState, event: UnitEvent): UnitState {
  switch (event.type) {
    case 'UnitRecorded':
      return { ...state, ...event.data, version: state.version + 1 };
    case 'UnitUpdated':
      return { ...state, ...event.data, version: state.version + 1 };
    default:
      return assertNever(event);
  }
}

/**
 * RecordUnit: a unit seen in a document, new or renamed (the same name again does nothing).
 * SetUnit: an admin sets its name and heads.
 */
export function decideUnit(command: UnitCommand, state: UnitState): UnitEvent[] {
  const { code, name } = command.data;
  if (!/^\d{6}$/.test(code))
    throw new InvalidInput('INVALID_UNIT_CODE', '单位编码应为六位数字', 'code');
  if (!name.trim() || name.length > 200)
    throw new InvalidInput('INVALID_NAME', '请填写单位名称（最多 200 个字符）', 'name');
  const departmentCode = departmentOf(code);
  if (command.type === 'RecordUnit') {
    if (state.code === code && state.name === name) return [];
    return [
      {
        type: 'UnitRecorded',
        data: { code, name, departmentCode },
        metadata: eventMetadata(command),
      },
    ];
  }
  assertRecipients(command.data.heads, 'heads');
  const data = { code, name, departmentCode, heads: command.data.heads };
  if (
    state.code === code &&
    sameJson({ name: state.name, heads: state.heads }, { name, heads: data.heads })
  )
    return [];
  return [{ type: 'UnitUpdated', data, metadata: eventMetadata(command) }];
}

/** A unit's stream as a decider, for the command pipeline. */
export const unitDecider: Decider<UnitCommand, UnitEvent, UnitState> = {
  initialState: initialUnitState,
  evolve: evolveUnit,
  decide: decideUnit,
};
