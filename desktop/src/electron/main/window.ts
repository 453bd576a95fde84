import { BrowserWindow, shell } from 'electron';

export type NavigationDecision = 'allow' | 'open-external' | 'deny';

export interface AllowedPlaces {
  /** The renderer's own page: `file:///…/index.html`, or the Vite dev server's URL in development. */
  rendererUrl: string;
  /** The running engine (its dashboard), when known. */
  engineUrl?: string;
}

/**
 * Where the window may go: its own renderer stays in the window; the engine's dashboard opens in the
 * browser (never inside the window, which holds the manager's bridge); anything else is refused.
 */
export function decideNavigation(target: string, allowed: AllowedPlaces): NavigationDecision {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 'deny';
  }
  const renderer = new URL(allowed.rendererUrl);
  const isRenderer = renderer.protocol === 'file:' ? url.protocol === 'file:' && url.pathname === renderer.pathname : url.origin === renderer.origin;
  if (isRenderer) return 'allow';
  if (allowed.engineUrl && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === new URL(allowed.engineUrl).origin) return 'open-external';
  return 'deny';
}

export interface MainWindowOptions {
  preload: string;
  rendererUrl: string;
  engineUrl: () => string | undefined;
}

/** The manager's window: isolated, sandboxed, no Node in the page; navigation guarded. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 760,
    minHeight: 520,
    title: 'ForPrompt',
    show: false,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webviewTag: false,
    },
  });
  guardNavigation(window, options);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.rendererUrl);
  return window;
}

function guardNavigation(window: BrowserWindow, options: MainWindowOptions): void {
  const { webContents } = window;
  const decide = (url: string) => decideNavigation(url, { rendererUrl: options.rendererUrl, engineUrl: options.engineUrl() });
  webContents.on('will-navigate', (event, url) => {
    const decision = decide(url);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') void shell.openExternal(url);
  });
  webContents.setWindowOpenHandler(({ url }) => {
    if (decide(url) === 'open-external') void shell.openExternal(url);
    return { action: 'deny' };
  });
  webContents.on('will-attach-webview', (event) => event.preventDefault());
  // The manager's page needs no camera, notifications, … : refuse every permission request.
  webContents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}
