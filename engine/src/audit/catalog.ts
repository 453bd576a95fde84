/**
 * Every action and target type the engine writes to the audit log, in one place: the stores' audit
 * records are typed by it (data/postgres/write.ts), so an action missing here does not compile, and the
 * dashboard's audit filters offer exactly these (ui/src/audit). Plain data: the UI bundles this file.
 *
 * An action is `<family>.<what happened>`; filtering by `<family>.*` matches the whole family.
 */
export const auditActionsByFamily = {
  api_key: ['created', 'rotated', 'revoked'],
  auth: ['signed_in', 'sign_in_failed', 'session_revoked', 'other_sessions_revoked'],
  clerk: [
    'user.created',
    'user.updated',
    'user.deleted',
    'user.provisioned',
    'organization.created',
    'organization.updated',
    'organization.deleted',
    'organization.provisioned',
    'organizationMembership.created',
    'organizationMembership.updated',
    'organizationMembership.deleted',
    'organizationInvitation.created',
    'organizationInvitation.accepted',
    'organizationInvitation.revoked',
    'event_skipped',
  ],
  instance: ['setup', 'initialized', 'system_project_created'],
  invitation: ['created', 'accepted', 'revoked'],
  label: ['protected', 'unprotected'],
  member: ['role_changed', 'removed', 'left', 'password_reset_issued'],
  model_price: ['created', 'updated', 'deleted'],
  organization: ['created', 'renamed', 'deleted', 'ai_settings_changed'],
  project: ['created', 'updated', 'deleted', 'trace_retention_changed'],
  prompt: ['created', 'updated', 'deleted', 'version.created', 'version.analyzed', 'test_suite.generated', 'test_suite.deleted', 'test_case.created', 'test_case.updated', 'test_case.deleted', 'label.moved', 'promotion.approved', 'promotion.rejected', 'promotion.cancelled'],
  prompts: ['imported'],
  provider_key: ['created', 'deleted'],
  trace: ['deleted', 'cleared'],
  user: ['created', 'password_changed', 'password_reset'],
} as const;

type ActionsByFamily = typeof auditActionsByFamily;
export type AuditActionFamily = keyof ActionsByFamily;
export type AuditAction = { [Family in AuditActionFamily]: `${Family}.${ActionsByFamily[Family][number]}` }[AuditActionFamily];

export const auditActionFamilies = Object.keys(auditActionsByFamily) as AuditActionFamily[];

export const auditActions: readonly AuditAction[] = auditActionFamilies.flatMap((family) =>
  auditActionsByFamily[family].map((action) => `${family}.${action}` as AuditAction),
);

/** The kinds of thing an entry is about (`target_type`). */
export const auditTargetTypes = ['api_key', 'invitation', 'label', 'model_price', 'organization', 'project', 'prompt', 'provider_key', 'session', 'trace', 'user'] as const;
export type AuditTargetType = (typeof auditTargetTypes)[number];

/** The `action` filter that matches every action of a family. */
export const familyFilter = (family: AuditActionFamily) => `${family}.*`;

export function isAuditAction(action: string): action is AuditAction {
  return (auditActions as readonly string[]).includes(action);
}

export function isAuditTargetType(targetType: string): targetType is AuditTargetType {
  return (auditTargetTypes as readonly string[]).includes(targetType);
}
