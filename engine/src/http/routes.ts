import { instructionsRoutes } from '../ai/instructions-routes.js';
import { aiRoutes } from '../ai/routes.js';
import { reportRoutes } from '../reports/routes.js';
import { analysisRoutes } from '../analysis/routes.js';
import { promptTestRoutes } from '../prompt-tests/routes.js';
import { editingCompatRoutes } from '../editing/compat-routes.js';
import { editingRoutes } from '../editing/routes.js';
import { analyticsRoutes } from '../analytics/routes.js';
import { auditRoutes } from '../audit/routes.js';
import { clerkWebhookRoutes } from '../auth/clerk/webhook.js';
import { authRoutes } from '../auth/routes.js';
import { keyRoutes } from '../keys/routes.js';
import { organizationRoutes } from '../orgs/routes.js';
import { projectRoutes } from '../projects/routes.js';
import { promptCompatRoutes } from '../prompts/compat-routes.js';
import { promptDashboardRoutes } from '../prompts/dashboard-routes.js';
import { promotionRoutes } from '../prompts/promotion-routes.js';
import { bundleRoutes } from '../prompts/bundle-routes.js';
import { promptV1Routes } from '../prompts/v1-routes.js';
import { traceDashboardRoutes } from '../traces/dashboard-routes.js';
import { modelPriceRoutes } from '../traces/price-routes.js';
import { traceRoutes } from '../traces/routes.js';
import { logCompatRoutes } from '../traces/log-compat-routes.js';
import { otlpRoutes } from '../traces/otlp-routes.js';
import type { AnyRouteDefinition } from './registry.js';

/** Every feature's routes: the one list the app mounts and the tests enumerate. */
export function featureRoutes(): AnyRouteDefinition[] {
  return [...authRoutes(), ...clerkWebhookRoutes(), ...organizationRoutes(), ...projectRoutes(), ...keyRoutes(), ...aiRoutes(), ...instructionsRoutes(), ...analysisRoutes(), ...promptTestRoutes(), ...editingRoutes(), ...auditRoutes(), ...promptDashboardRoutes(), ...promotionRoutes(), ...bundleRoutes(), ...promptV1Routes(), ...traceRoutes(), ...traceDashboardRoutes(), ...modelPriceRoutes(), ...analyticsRoutes(), ...reportRoutes(), ...promptCompatRoutes(), ...otlpRoutes(), ...logCompatRoutes(), ...editingCompatRoutes()];
}
