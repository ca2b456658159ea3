import { GraphQLRequestError } from '../graphql';

/**
 * An error as the user should read it: the API's own message, its code, and
 * where it applies (the input path for BAD_USER_INPUT, else the answer's field).
 */
export function ErrorBanner({ error, title = 'The request failed' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const items =
    error instanceof GraphQLRequestError
      ? error.errors.map((item) => ({
          message: item.message,
          code: item.extensions?.code,
          where: item.extensions?.path ?? item.path?.join('.'),
        }))
      : [
          {
            message: error instanceof Error ? error.message : String(error),
            code: undefined,
            where: undefined,
          },
        ];
  return (
    <div className="error-banner" role="alert">
      <strong>{title}</strong>
      <ul>
        {items.map((item, index) => (
          <li key={index}>
            {item.code && <span className="error-code">{item.code}</span>} {item.message}
            {item.where && <span className="error-path"> at {item.where}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
