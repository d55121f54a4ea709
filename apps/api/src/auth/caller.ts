// Who is calling, as the request's context carries it: a verified API key with its role, or the
// local user of an open-mode service (loopback only, no keys exist), who may do everything.
import type { KeyPrincipal } from './api-key.store';
import type { Role } from './roles';

export type Caller = { readonly kind: 'open' } | ({ readonly kind: 'key' } & KeyPrincipal);

export const OPEN_CALLER: Caller = { kind: 'open' };

export function callerRole(caller: Caller): Role {
  return caller.kind === 'open' ? 'admin' : caller.role;
}
