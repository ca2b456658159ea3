import { useState, type FormEvent } from 'react';
import { setApiKey } from '../auth';

/** Production mode: asks for the API key, kept in sessionStorage for this tab only. */
export function KeyPrompt({ reason }: { reason?: string }) {
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) setApiKey(value.trim());
  };
  return (
    <form className="key-prompt panel" onSubmit={submit}>
      <h2>API key</h2>
      <p>
        This service asks for an API key. It is kept for this tab only (session storage) and sent as{' '}
        <code>Authorization: Bearer …</code> to this service alone.
      </p>
      {reason && (
        <p className="error-text" role="alert">
          {reason}
        </p>
      )}
      <label htmlFor="api-key">Key</label>
      <input
        id="api-key"
        type="password"
        autoComplete="off"
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit">Use this key</button>
    </form>
  );
}
