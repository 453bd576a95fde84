import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, resetElectronDouble, shell } from '../../../test/electron/electron-double.js';
import { createMainWindow, decideNavigation } from './window.js';

vi.mock('electron', () => import('../../../test/electron/electron-double.js'));

const rendererUrl = 'file:///opt/ForPrompt/resources/app.asar/dist/renderer/index.html';
const engineUrl = 'http://127.0.0.1:3000';

function openWindow() {
  createMainWindow({ preload: '/opt/ForPrompt/preload.cjs', rendererUrl, engineUrl: () => engineUrl });
  return BrowserWindow.instances[0]!;
}

function navigate(window: BrowserWindow, url: string) {
  const event = { preventDefault: vi.fn() };
  window.webContents.emit('will-navigate', event, url);
  return event.preventDefault.mock.calls.length > 0 ? 'prevented' : 'allowed';
}

beforeEach(resetElectronDouble);

describe('the main window', () => {
  it('isolates the page: context isolation, no Node integration, sandboxed, with the preload', () => {
    const window = openWindow();
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true, preload: '/opt/ForPrompt/preload.cjs', webviewTag: false });
    expect(window.loadedUrl).toBe(rendererUrl);
  });

  it('stays on its own renderer and refuses to navigate anywhere else', () => {
    const window = openWindow();
    expect(navigate(window, `${rendererUrl}#backups`)).toBe('allowed');
    expect(navigate(window, 'https://evil.example/phish')).toBe('prevented');
    expect(navigate(window, 'file:///etc/passwd')).toBe('prevented');
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('opens the engine dashboard in the browser, not in the window', () => {
    const window = openWindow();
    expect(navigate(window, `${engineUrl}/prompts`)).toBe('prevented');
    expect(shell.openExternal).toHaveBeenCalledWith(`${engineUrl}/prompts`);
  });

  it('denies every new window, handing only the engine URL to the browser', () => {
    const window = openWindow();
    const open = window.webContents.windowOpenHandler!;
    expect(open({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(open({ url: `${engineUrl}/traces` })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith(`${engineUrl}/traces`);
  });

  it('refuses every permission request and webview', () => {
    const window = openWindow();
    const granted = vi.fn();
    window.webContents.permissionHandler!(window.webContents, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    const event = { preventDefault: vi.fn() };
    window.webContents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('decideNavigation', () => {
  it('tells the renderer, the engine and everything else apart', () => {
    expect(decideNavigation(`${rendererUrl}?page=tasks`, { rendererUrl, engineUrl })).toBe('allow');
    expect(decideNavigation('file:///opt/ForPrompt/other.html', { rendererUrl, engineUrl })).toBe('deny');
    expect(decideNavigation(`${engineUrl}/api/v1/prompts`, { rendererUrl, engineUrl })).toBe('open-external');
    expect(decideNavigation('http://127.0.0.1:3001/', { rendererUrl, engineUrl })).toBe('deny');
    expect(decideNavigation(`${engineUrl}/`, { rendererUrl })).toBe('deny');
    expect(decideNavigation('javascript:alert(1)', { rendererUrl, engineUrl })).toBe('deny');
    expect(decideNavigation('not a url', { rendererUrl, engineUrl })).toBe('deny');
  });

  it('allows the Vite dev server by origin in development', () => {
    expect(decideNavigation('http://localhost:5173/src/main.tsx', { rendererUrl: 'http://localhost:5173/' })).toBe('allow');
    expect(decideNavigation('http://localhost:5174/', { rendererUrl: 'http://localhost:5173/' })).toBe('deny');
  });
});
