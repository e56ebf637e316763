/** Turns the data of one schema version of an event type into the next version's data; pure. */
export type Upcaster = (data: unknown) => unknown;

/** What `decode` needs of a stored event (a RecordedEvent has it; kept structural to avoid an import cycle). */
export interface Versioned {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

/**
 * Upcasters keyed by (event type, schema version): each lifts one version to the next, so an
 * event stored by an old deployment is read in today's shape and the domain only ever sees
 * the current one. A type's current version is one past its highest upcaster (1 without any);
 * appends write that version.
 */
export class Upcasters {
  private readonly steps = new Map<string, Upcaster>();
  private readonly current = new Map<string, number>();

  /** Registers the step from `from` to `from + 1` of `type`. */
  register(type: string, from: number, up: Upcaster): this {
    const key = `${type}@${from}`;
    if (this.steps.has(key)) throw new Error(`事件 ${type} 第 ${from} 版的升级函数已登记过`);
    this.steps.set(key, up);
    this.current.set(type, Math.max(this.currentVersion(type), from + 1));
    return this;
  }

  /** The schema version an event of `type` is written at today. */
  currentVersion(type: string): number {
    return this.current.get(type) ?? 1;
  }

  /** The event with its data lifted step by step to the current version of its type. */
  decode<E extends Versioned>(e: E): E {
    const target = this.currentVersion(e.type);
    if (e.schemaVersion === target) return e;
    if (e.schemaVersion > target) {
      throw new Error(
        `事件 ${e.type} 的数据为第 ${e.schemaVersion} 版，新于本程序所知的第 ${target} 版（由更新的版本写入）`,
      );
    }
    let data = e.data;
    for (let v = e.schemaVersion; v < target; v++) {
      const up = this.steps.get(`${e.type}@${v}`);
      if (!up) {
        throw new Error(
          `事件 ${e.type} 缺少从第 ${v} 版升到第 ${v + 1} 版的升级函数（当前为第 ${target} 版）`,
        );
      }
      data = up(data);
    }
    return { ...e, schemaVersion: target, data };
  }
}

/**
 * The registry the service runs with. Empty today: every event type is at version 1. A change
 * to an event's shape registers its step here (the function itself, being domain knowledge,
 * may live in libs/domain as a pure function).
 */
export const upcasters = new Upcasters();
