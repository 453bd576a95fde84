import { useEffect, useState } from 'react';
import { ErrorNotice } from './components/ErrorNotice.js';
import { FirstRun } from './pages/FirstRun.js';
import { BackupsPage } from './pages/BackupsPage.js';
import { LogsPage } from './pages/LogsPage.js';
import { ModelsPage } from './pages/ModelsPage.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { StatusPage } from './pages/StatusPage.js';
import { TasksPage } from './pages/TasksPage.js';
import { UpdatePage } from './pages/UpdatePage.js';
import { forprompt } from './forprompt.js';
import { TasksContext, useLoad, useTaskList } from './hooks.js';

const pages = ['Status', 'Tasks', 'Logs', 'Backups', 'Models', 'Update', 'Settings'] as const;
type Page = (typeof pages)[number];
const STATUS_REFRESH_MS = 5_000;

export function App() {
  const tasks = useTaskList();
  const [page, setPage] = useState<Page | undefined>();
  const lastEnded = tasks.find((task) => task.state !== 'running')?.endedAt;
  const status = useLoad(() => forprompt().getStatus(), `${lastEnded}/${tasks.filter((task) => task.state === 'running').length}`);
  const settings = useLoad(() => forprompt().getSettings());
  const [savedSettings, setSavedSettings] = useState(settings.data);
  const currentSettings = savedSettings ?? settings.data;
  useEffect(() => {
    const timer = setInterval(status.reload, STATUS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [status.reload]);

  if (status.data?.firstRun && tasks.length === 0 && page === undefined) {
    return (
      <TasksContext.Provider value={tasks}>
        <FirstRun onSettings={() => setPage('Settings')} />
      </TasksContext.Provider>
    );
  }
  const shown = page ?? 'Status';
  const running = tasks.filter((task) => task.state === 'running').length;
  return (
    <TasksContext.Provider value={tasks}>
      <div className="layout">
        <nav className="sidebar" aria-label="Sections">
          <div className="brand">ForPrompt</div>
          {pages.map((name) => (
            <button key={name} type="button" className={name === shown ? 'nav-item active' : 'nav-item'} aria-current={name === shown ? 'page' : undefined} onClick={() => setPage(name)}>
              {name}
              {name === 'Tasks' && running > 0 && <span className="count">{running}</span>}
            </button>
          ))}
        </nav>
        <main className="content">
          {shown === 'Status' && <StatusPage status={status.data} error={status.error} />}
          {shown === 'Tasks' && <TasksPage />}
          {shown === 'Logs' && <LogsPage />}
          {shown === 'Backups' && <BackupsPage database={status.data?.database} />}
          {shown === 'Models' && <ModelsPage defaultModel={currentSettings?.ollamaModel} />}
          {shown === 'Update' && <UpdatePage />}
          {shown === 'Settings' && currentSettings && <SettingsPage settings={currentSettings} onSaved={setSavedSettings} />}
          {shown === 'Settings' && settings.error && <ErrorNotice error={settings.error} />}
        </main>
      </div>
    </TasksContext.Provider>
  );
}
