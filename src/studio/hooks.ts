import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort, request, type Operation } from './graphql';

export interface QueryState<TData> {
  data: TData | null;
  error: unknown;
  loading: boolean;
  /** Asks again with the same variables. */
  reload(): void;
}

/**
 * Runs a query when the component mounts and again whenever its variables
 * change (compared as JSON). A request made stale by newer variables is
 * aborted, and its answer is never shown. `skip` waits without asking.
 */
export function useQuery<TData, TVariables>(
  op: Operation<TData, TVariables>,
  variables?: TVariables,
  options: { skip?: boolean } = {},
): QueryState<TData> {
  const key = JSON.stringify(variables ?? {});
  const [state, setState] = useState<{ data: TData | null; error: unknown; loading: boolean }>({
    data: null,
    error: null,
    loading: !options.skip,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (options.skip) return;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true, error: null }));
    request(op, JSON.parse(key) as TVariables, controller.signal).then(
      (data) => setState({ data, error: null, loading: false }),
      (error: unknown) => {
        if (!isAbort(error)) setState({ data: null, error, loading: false });
      },
    );
    return () => controller.abort();
  }, [op, key, round, options.skip]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, reload };
}

/**
 * Asks for `variables` once they have stopped changing for `delayMs`, and
 * keeps only the answer to the latest request: each request gets an id, and
 * an answer whose id is not the latest one is dropped (and the request
 * aborted), so that a slow answer to an old edit never overwrites a newer one.
 */
export function useDebouncedQuery<TData, TVariables>(
  op: Operation<TData, TVariables>,
  variables: TVariables | null,
  delayMs = 250,
): { data: TData | null; error: unknown; loading: boolean; requestId: number } {
  const key = variables === null ? null : JSON.stringify(variables);
  const latest = useRef(0);
  const [state, setState] = useState<{
    data: TData | null;
    error: unknown;
    loading: boolean;
    requestId: number;
  }>({ data: null, error: null, loading: false, requestId: 0 });
  useEffect(() => {
    if (key === null) return;
    const id = ++latest.current;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    const timer = window.setTimeout(() => {
      request(op, JSON.parse(key) as TVariables, controller.signal).then(
        (data) => {
          if (id === latest.current) setState({ data, error: null, loading: false, requestId: id });
        },
        (error: unknown) => {
          if (id === latest.current && !isAbort(error))
            setState((previous) => ({ ...previous, error, loading: false, requestId: id }));
        },
      );
    }, delayMs);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [op, key, delayMs]);
  return state;
}
