/**
 * The API key of production mode. It lives in sessionStorage only: it is gone
 * when the tab closes, and never written to localStorage, a cookie or a URL.
 * The open demo needs none (the server says which mode it runs in through
 * the page's <meta name="studio-auth">).
 */
const STORAGE_KEY = 'segments-studio.api-key';

/** A setting the server writes into the page as <meta name="studio-NAME" content="…">. */
export function serverSetting(name: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="studio-${name}"]`)?.content;
}

export function authMode(): 'open' | 'keys' {
  return serverSetting('auth') === 'keys' ? 'keys' : 'open';
}

export function apiKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage refused (privacy settings): the key is asked for again.
    return null;
  }
}

export function setApiKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing to keep it in: the key stays unknown.
  }
  window.dispatchEvent(new Event(KEY_CHANGED));
}

/** Dispatched on window when the key is set or forgotten. */
export const KEY_CHANGED = 'segments-studio:key-changed';
