import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { StatusView } from '../bridge.js';

export interface TrayActions {
  showWindow(): void;
  openDashboard(): void;
  backupNow(): void;
  quit(): void;
}

export interface AppTray {
  /** Shows the latest status (undefined: not known yet). */
  update(status: StatusView | undefined): void;
  destroy(): void;
}

export function statusLine(status: StatusView | undefined): string {
  if (!status) return 'ForPrompt: checking…';
  const { engine } = status;
  if (engine.state === 'stopped') return 'ForPrompt: stopped';
  if (engine.state === 'running') return `ForPrompt: running (${status.database} database)`;
  return `ForPrompt: ${engine.state}`;
}

export function trayMenuTemplate(status: StatusView | undefined, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'status', label: statusLine(status), enabled: false },
    { type: 'separator' },
    { id: 'open-dashboard', label: 'Open dashboard', enabled: status?.engine.state === 'running', click: () => actions.openDashboard() },
    { id: 'show-window', label: 'Show ForPrompt Manager', click: () => actions.showWindow() },
    { id: 'backup-now', label: 'Back up now', click: () => actions.backupNow() },
    { type: 'separator' },
    { id: 'quit', label: 'Quit ForPrompt', click: () => actions.quit() },
  ];
}

/** The tray icon: status at a glance, the dashboard, a backup, quit. */
export function createTray(iconFile: string, actions: TrayActions): AppTray {
  const tray = new Tray(nativeImage.createFromPath(iconFile));
  tray.on('click', () => actions.showWindow());
  const update = (status: StatusView | undefined) => {
    tray.setToolTip(statusLine(status));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(status, actions)));
  };
  update(undefined);
  return { update, destroy: () => tray.destroy() };
}
