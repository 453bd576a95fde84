import { z } from 'zod';
import { roleRank } from '../../access/permissions.js';
import type { MemberRole } from '../../data/provider.js';

/** Clerk role key (`org:…`) → our role. */
export type ClerkRoleMap = Readonly<Record<string, MemberRole>>;

/** Clerk's two built-in roles. The organization's creator becomes owner (see mapClerkRole). */
export const defaultClerkRoleMap: ClerkRoleMap = { 'org:admin': 'admin', 'org:member': 'member' };

/** Webhooks and v1 session claims say `org:admin`; the v2 `o.rol` claim says `admin`. */
export function normalizeClerkRole(role: string): string {
  const trimmed = role.trim();
  return trimmed.startsWith('org:') ? trimmed : `org:${trimmed}`;
}

const roleMapSchema = z.record(z.string().trim().min(1), z.enum(['owner', 'admin', 'member', 'viewer']));

/**
 * Reads `CLERK_ROLE_MAP`, a JSON object of Clerk role → our role (e.g. `{"org:owner":"owner",
 * "org:billing":"viewer"}`), laid over the defaults. Keys may omit the `org:` prefix. Throws an Error
 * whose message names the variable, for the config loader to report.
 */
export function parseRoleMap(json: string | undefined): ClerkRoleMap {
  if (json === undefined || json.trim() === '') return defaultClerkRoleMap;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('CLERK_ROLE_MAP: expected a JSON object like {"org:owner":"owner","org:billing":"viewer"}');
  }
  const parsed = roleMapSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error('CLERK_ROLE_MAP: expected a JSON object mapping Clerk roles to one of owner, admin, member, viewer');
  }
  const custom = Object.entries(parsed.data).map(([clerkRole, role]) => [normalizeClerkRole(clerkRole), role] as const);
  return { ...defaultClerkRoleMap, ...Object.fromEntries(custom) };
}

/**
 * Our role for a Clerk role; unknown (or missing) roles get viewer. The organization's creator is owner
 * as long as Clerk still has them at admin level: a creator Clerk has since demoted keeps the demotion.
 */
export function mapClerkRole(clerkRole: string | null | undefined, roleMap: ClerkRoleMap, options: { isCreator?: boolean } = {}): MemberRole {
  const mapped = (clerkRole ? roleMap[normalizeClerkRole(clerkRole)] : undefined) ?? 'viewer';
  if (options.isCreator && roleRank[mapped] >= roleRank.admin) return 'owner';
  return mapped;
}

/**
 * The role a Clerk session acts with. Session tokens carry the Clerk role only, not who created the
 * organization, so the creator's `owner` comes from the synced membership.
 */
export function sessionRole(tokenRole: MemberRole, syncedRole: MemberRole | null): MemberRole {
  return tokenRole === 'admin' && syncedRole === 'owner' ? 'owner' : tokenRole;
}
