import { useCallback, useEffect, useRef, useState } from 'react';
import { request, type Operation } from './graphql';

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
    // A request made stale (new variables, or the page left) is not aborted, which the
    // browser would report as a failed request: its answer is dropped when it comes.
    let current = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    request(op, JSON.parse(key) as TVariables).then(
      (data) => {
        if (current) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (current) setState({ data: null, error, loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [op, key, round, options.skip]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, reload };
}

/**
 * Asks for `variables` once they have stopped changing for `delayMs`, and
 * keeps only the answer to the latest request: each request gets an id, and
 * an answer whose id is not the latest one is dropped, so that a slow answer
 * to an old edit never overwrites a newer one. (A request already sent is not
 * aborted: the service does the work anyway, and the browser would count it
 * as a failed request.)
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
    setState((previous) => ({ ...previous, loading: true }));
    // The first request goes at once (nothing is being typed yet); later ones wait for a pause.
    const timer = window.setTimeout(
      () => {
        request(op, JSON.parse(key) as TVariables).then(
          (data) => {
            if (id === latest.current) setState({ data, error: null, loading: false, requestId: id });
          },
          (error: unknown) => {
            if (id === latest.current)
              setState((previous) => ({ ...previous, error, loading: false, requestId: id }));
          },
        );
      },
      id === 1 ? 0 : delayMs,
    );
    return () => window.clearTimeout(timer);
  }, [op, key, delayMs]);
  return state;
}
