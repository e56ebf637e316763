import { Decider, fold } from './decider';
import { DomainError } from './errors';

/**
 * given / when / then for deciders, in the style of emmett's DeciderSpecification:
 * `spec.given(events).when(command).then(events)`, `.thenThrows(code)` or `.thenNothing()`.
 */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given: (events: readonly E[]) => ({
      when: (command: C) => {
        const run = () => decider.decide(command, fold(decider, events));
        return {
          then: (expected: readonly E[]) => expect(run()).toEqual(expected),
          thenNothing: () => expect(run()).toEqual([]),
          thenThrows: (code: string, kind?: DomainError['kind']) => {
            let caught: unknown;
            try {
              run();
            } catch (e) {
              caught = e;
            }
            expect(caught).toBeInstanceOf(DomainError);
            expect((caught as DomainError).code).toBe(code);
            if (kind) expect((caught as DomainError).kind).toBe(kind);
            return caught as DomainError;
          },
        };
      },
    }),
  };
}
