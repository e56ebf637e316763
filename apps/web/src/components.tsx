import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { messageOf } from './errors';
import { LEVEL_NAMES, statusName } from './format';
import type { Level } from './types';

/** An error shown where it happened: `role="alert"` so screen readers announce it. */
export function ErrorText({ error, id }: { error: unknown; id?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert" id={id}>
      {typeof error === 'string' ? error : messageOf(error)}
    </p>
  );
}

/**
 * A labelled form field: the wrapper `div.field` (plus any extra classes), the label
 * pointing at `id`, the control itself (children, which carry that `id`) and its error.
 */
export function Field({
  id,
  label,
  error,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  error?: unknown;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      <ErrorText error={error} />
    </div>
  );
}

/** A page-level error, at the top of the page. */
export function PageError({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <div className="banner banner-error" role="alert">
      {typeof error === 'string' ? error : messageOf(error)}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-ok" role="status">
      {children}
    </div>
  );
}

export function Loading({ what = '加载中…' }: { what?: string }) {
  return (
    <p className="muted loading" aria-busy="true">
      {what}
    </p>
  );
}

export function LevelMark({ level }: { level: Level | string }) {
  const name = LEVEL_NAMES[level as Level] ?? level;
  return (
    <span className={`mark mark-${level}`} title={`${name}色`}>
      <span className="dot" aria-hidden="true" />
      {name}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{statusName(status)}</span>;
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
  set(data: T): void;
}

/** Loads once per change of `deps`; a late answer of an older request is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    load()
      .then((d) => {
        if (mine === seq.current) setData(d);
      })
      .catch((e: unknown) => {
        if (mine === seq.current) setError(e);
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, set: setData };
}

/** Sets the document title for a page. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · 预算绩效目标管理` : '预算绩效目标管理';
  }, [title]);
}
