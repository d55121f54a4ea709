// Errors of authentication and authorisation, with the codes clients see in `extensions.code`
// (GraphQL) or the JSON body (HTTP): UNAUTHENTICATED (no or unknown key: 401) and FORBIDDEN (the
// key's role is too low: 403). Messages say what is accepted, never echo the key.
export type AuthErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN';

export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  get httpStatus(): 401 | 403 {
    return this.code === 'UNAUTHENTICATED' ? 401 : 403;
  }
}

export function unauthenticated(reason: string): AuthError {
  return new AuthError(
    'UNAUTHENTICATED',
    `${reason}: send an API key as 'Authorization: Bearer <key>' (graphql-ws: connectionParams { "Authorization": "Bearer <key>" }); an admin creates one with 'npm run keys -- create --role viewer --name <name>'`,
  );
}

export function forbidden(needed: string, held: string): AuthError {
  return new AuthError('FORBIDDEN', `this needs the role '${needed}' or higher; the API key has '${held}'`, {
    needed,
    held,
  });
}
