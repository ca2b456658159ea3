import { useEffect, useState } from 'react';

/**
 * Hash routes (#/builder, #/segments/42?from=map): the service serves one
 * page at /studio/, and every view is a fragment of it, so a reload or a
 * shared link opens the same view without any server-side routing.
 */
export interface Location {
  /** The path after '#', without the query: "/segments/42". */
  path: string;
  /** The query after '?' in the fragment. */
  query: URLSearchParams;
}

/** What every page receives: the :parameters of its route's pattern and the query of the fragment. */
export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export function currentLocation(): Location {
  const fragment = window.location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = fragment.split('?', 2);
  return { path: path || '/', query: new URLSearchParams(query) };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return location;
}

/** The href of a route, e.g. href('/segments/42', { tab: 'members' }). */
export function href(path: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, value);
  const text = params.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path: string, query?: Record<string, string | undefined>): void {
  window.location.hash = href(path, query).slice(1);
}

/**
 * Matches a path against a pattern with :parameters ("/segments/:id");
 * null when it does not match. Parameters are URI-decoded.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < want.length; index++) {
    if (want[index].startsWith(':')) params[want[index].slice(1)] = decodeURIComponent(have[index]);
    else if (want[index] !== have[index]) return null;
  }
  return params;
}
