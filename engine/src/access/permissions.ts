import type { MemberRole } from '../data/provider.js';

/**
 * The permission matrix, in one place. Routes declare the permission they need; nothing else checks
 * roles. viewer reads; member edits prompts, versions and tools and uses the AI features; admin also manages keys, members,
 * webhooks, provider keys, projects and protected labels, and reads the audit log; owner also deletes
 * the organization.
 *
 * `self` is any signed-in user acting on their own account or on organizations they belong to
 * (no organization in the path).
 */
export const permissionMatrix = {
  self: 'viewer',
  'org.read': 'viewer',
  'project.read': 'viewer',
  'prompt.read': 'viewer',
  'trace.read': 'viewer',
  'tool.read': 'viewer',
  'prompt.write': 'member',
  'tool.write': 'member',
  'ai.use': 'member',
  'org.manage': 'admin',
  'member.manage': 'admin',
  'project.manage': 'admin',
  'apikey.manage': 'admin',
  'providerkey.manage': 'admin',
  'webhook.manage': 'admin',
  'label.protected.move': 'admin',
  'audit.read': 'admin',
  'org.delete': 'owner',
} as const satisfies Record<string, MemberRole>;

export type Permission = keyof typeof permissionMatrix;

export const roleRank: Record<MemberRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
export const roles = Object.keys(roleRank) as MemberRole[];

export function allows(role: MemberRole, permission: Permission): boolean {
  return roleRank[role] >= roleRank[permissionMatrix[permission]];
}

export function isPermission(value: string): value is Permission {
  return value in permissionMatrix;
}

/**
 * A password reset link hands its holder the account: its issuer must outrank the user in every
 * organization the user belongs to (an owner may reset anyone in theirs).
 */
export function outranksEverywhere(
  userMemberships: ReadonlyArray<{ organizationId: string; role: MemberRole }>,
  issuerRoleIn: (organizationId: string) => MemberRole | null | undefined,
): boolean {
  return userMemberships.every(({ organizationId, role }) => {
    const issuerRole = issuerRoleIn(organizationId);
    return issuerRole === 'owner' || (!!issuerRole && allows(issuerRole, 'member.manage') && roleRank[issuerRole] > roleRank[role]);
  });
}
