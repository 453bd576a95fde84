import type { Role } from '../auth/authState';

import { allows as engineAllows, permissionMatrix, roleRank, type Permission } from '../../../engine/src/access/permissions';

// The engine's own permission matrix, bundled: one source of truth. The engine enforces it; here it
// only disables what a role cannot do, sparing a refused click.
export type { Permission };

export function allows(role: Role, permission: Permission): boolean {
  return engineAllows(role, permission);
}

export function atLeast(role: Role, minimum: Role): boolean {
  return roleRank[role] >= roleRank[minimum];
}

/** The tooltip of a button the role cannot use. */
export function needsRoleMessage(permission: Permission): string {
  const role = permissionMatrix[permission];
  return role === 'owner' ? 'Only an owner can do this' : `Needs the ${role} or owner role`;
}

export const assignableRoles: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];
