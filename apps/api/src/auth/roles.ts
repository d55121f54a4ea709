// The roles of API keys. Each includes the ones before it: an operator may do what a viewer may,
// an admin what an operator may.
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A field or route any caller may use, key or not (health checks, the static dashboard page). */
export const PUBLIC = 'public' as const;
export type Access = Role | typeof PUBLIC;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when a caller holding `held` (undefined: no key) may use something that needs `needed`. */
export function allows(held: Role | undefined, needed: Access): boolean {
  if (needed === PUBLIC) return true;
  if (held === undefined) return false;
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}
