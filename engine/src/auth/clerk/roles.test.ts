import { describe, expect, it } from 'vitest';
import { defaultClerkRoleMap, mapClerkRole, parseRoleMap, sessionRole } from './roles.js';

describe('Clerk roles', () => {
  it("maps Clerk's built-in roles, with or without the org: prefix; unknown and missing roles are viewer", () => {
    expect(mapClerkRole('org:admin', defaultClerkRoleMap)).toBe('admin');
    expect(mapClerkRole('member', defaultClerkRoleMap)).toBe('member');
    expect(mapClerkRole('org:billing', defaultClerkRoleMap)).toBe('viewer');
    expect(mapClerkRole(undefined, defaultClerkRoleMap)).toBe('viewer');
  });

  it('makes the creator owner, unless Clerk has demoted them below admin', () => {
    expect(mapClerkRole('org:admin', defaultClerkRoleMap, { isCreator: true })).toBe('owner');
    expect(mapClerkRole('org:member', defaultClerkRoleMap, { isCreator: true })).toBe('member');
  });

  it('CLERK_ROLE_MAP adds and overrides roles over the defaults', () => {
    const roleMap = parseRoleMap('{"org:owner":"owner","billing":"viewer","org:member":"viewer"}');
    expect(roleMap).toEqual({ 'org:admin': 'admin', 'org:member': 'viewer', 'org:owner': 'owner', 'org:billing': 'viewer' });
    expect(mapClerkRole('owner', roleMap)).toBe('owner');
    expect(parseRoleMap(undefined)).toBe(defaultClerkRoleMap);
    expect(parseRoleMap('  ')).toBe(defaultClerkRoleMap);
  });

  it('refuses a CLERK_ROLE_MAP that is not JSON or names a role we do not have, naming the variable', () => {
    expect(() => parseRoleMap('{org:owner}')).toThrow(/^CLERK_ROLE_MAP: /);
    expect(() => parseRoleMap('{"org:owner":"superuser"}')).toThrow(/^CLERK_ROLE_MAP: /);
    expect(() => parseRoleMap('["owner"]')).toThrow(/^CLERK_ROLE_MAP: /);
  });

  it("raises a session's admin role to owner only when the synced membership is owner", () => {
    expect(sessionRole('admin', 'owner')).toBe('owner');
    expect(sessionRole('admin', 'admin')).toBe('admin');
    expect(sessionRole('member', 'owner')).toBe('member');
    expect(sessionRole('viewer', null)).toBe('viewer');
  });
});
