import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';
import { RouteErrorPage } from './RouteErrorPage';
import { PromptsPage } from '../prompts/PromptsPage';
import { TracesPage } from '../traces/TracesPage';
import { AnalyticsPage } from '../analytics/AnalyticsPage';
import { ToolsPage } from '../tools/ToolsPage';
import { WebhooksPage } from '../webhooks/WebhooksPage';
import { SettingsPage } from '../settings/SettingsPage';

// Real URLs (not hash routes): the engine serves index.html for any non-API path, so a reload
// on /traces lands back here and the router renders the right page.
export const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <Navigate to="/prompts" replace /> },
      { path: 'prompts', element: <PromptsPage /> },
      { path: 'traces', element: <TracesPage /> },
      { path: 'analytics', element: <AnalyticsPage /> },
      { path: 'tools', element: <ToolsPage /> },
      { path: 'webhooks', element: <WebhooksPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
