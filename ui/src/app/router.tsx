import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';
import { ApiReferencePage } from '../reference/ApiReferencePage';
import { RouteErrorPage } from './RouteErrorPage';
import { PromptsPage } from '../prompts/PromptsPage';
import { PromptPage } from '../prompts/PromptPage';
import { PromotionRequestsPage } from '../prompts/PromotionRequestsPage';
import { TracePage } from '../traces/TracePage';
import { TracesPage } from '../traces/TracesPage';
import { ToolsPage } from '../tools/ToolsPage';
import { WebhooksPage } from '../webhooks/WebhooksPage';
import { SettingsPage } from '../settings/SettingsPage';
import { RequireSignIn } from '../auth/RequireSignIn';
import { SetupPage } from '../auth/SetupPage';
import { SignInPage } from '../auth/SignInPage';
import { InvitePage } from '../auth/InvitePage';
import { ResetPasswordPage } from '../auth/ResetPasswordPage';
import { ProfileTab } from '../auth/ProfileTab';
import { GeneralTab } from '../orgs/GeneralTab';
import { MembersTab } from '../orgs/MembersTab';
import { ProjectsTab } from '../projects/ProjectsTab';
import { ApiKeysTab } from '../keys/ApiKeysTab';
import { ProviderKeysTab } from '../keys/ProviderKeysTab';
import { AiSettingsTab } from '../ai/AiSettingsTab';
import { AiInstructionsTab } from '../ai-instructions/AiInstructionsTab';
import { AuditTab } from '../audit/AuditTab';
import { UsageTab } from '../usage/UsageTab';

// Analytics brings uPlot: its chunk loads when the page is opened.
const AnalyticsPage = lazy(() => import('../analytics/AnalyticsPage').then((module) => ({ default: module.AnalyticsPage })));

// Real URLs (not hash routes): the engine serves index.html for any non-API path, so a reload
// on /traces lands back here and the router renders the right page.
export const router = createBrowserRouter([
  {
    errorElement: <RouteErrorPage />,
    children: [
      // Signed-out pages.
      { path: '/setup', element: <SetupPage /> },
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/invite/:token', element: <InvitePage /> },
      { path: '/reset-password/:token', element: <ResetPasswordPage /> },
      {
        path: '/',
        element: (
          <RequireSignIn>
            <Layout />
          </RequireSignIn>
        ),
        children: [
          { index: true, element: <Navigate to="/prompts" replace /> },
          { path: 'prompts', element: <PromptsPage /> },
          { path: 'prompts/:key', element: <PromptPage /> },
          { path: 'promotion-requests', element: <PromotionRequestsPage /> },
          { path: 'traces', element: <TracesPage /> },
          { path: 'traces/:traceId', element: <TracePage /> },
          { path: 'analytics', element: <Suspense fallback={<p className="muted">Loading analytics…</p>}><AnalyticsPage /></Suspense> },
          { path: 'tools', element: <ToolsPage /> },
          { path: 'webhooks', element: <WebhooksPage /> },
          { path: 'reference', element: <ApiReferencePage /> },
          {
            path: 'settings',
            element: <SettingsPage />,
            children: [
              { index: true, element: <GeneralTab /> },
              { path: 'projects', element: <ProjectsTab /> },
              { path: 'api-keys', element: <ApiKeysTab /> },
              { path: 'members', element: <MembersTab /> },
              { path: 'provider-keys', element: <ProviderKeysTab /> },
              { path: 'ai', element: <AiSettingsTab /> },
              { path: 'ai-instructions', element: <AiInstructionsTab /> },
              { path: 'audit', element: <AuditTab /> },
              { path: 'usage', element: <UsageTab /> },
              { path: 'profile', element: <ProfileTab /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
