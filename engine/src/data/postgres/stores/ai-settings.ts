import { eq } from 'drizzle-orm';
import { organizationAiSettings } from '../schema/index.js';
import { command } from '../write.js';
import type { Database } from '../database.js';
import type { AiSettingsStore, OrganizationAiSetting } from '../../ai-settings.js';

const unset: OrganizationAiSetting = { provider: null, model: null };

/** How the audit summary names a setting: `anthropic, claude-sonnet-4-5`, `the instance's provider, its default model`. */
function describeSetting({ provider, model }: OrganizationAiSetting): string {
  return `${provider ?? "the instance's provider"}, ${model ?? 'its default model'}`;
}

export function aiSettingsStore(db: Database): AiSettingsStore {
  return {
    async get(organizationId) {
      const [row] = await db.select().from(organizationAiSettings).where(eq(organizationAiSettings.organizationId, organizationId));
      return row ? { provider: row.provider, model: row.model } : unset;
    },

    async put(ctx, organizationId, setting) {
      return command(db, ctx, async (tx) => {
        const [before] = await tx.select().from(organizationAiSettings).where(eq(organizationAiSettings.organizationId, organizationId)).for('update');
        const values = { provider: setting.provider, model: setting.model };
        await tx
          .insert(organizationAiSettings)
          .values({ organizationId, ...values })
          .onConflictDoUpdate({ target: organizationAiSettings.organizationId, set: { ...values, updatedAt: new Date() } });
        return {
          result: values,
          audit: {
            organizationId,
            action: 'organization.ai_settings_changed',
            targetType: 'organization',
            targetId: organizationId,
            summary: `AI provider: ${describeSetting(before ?? unset)} → ${describeSetting(values)}`,
          },
        };
      });
    },
  };
}
