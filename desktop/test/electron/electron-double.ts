/**
 * A stand-in for the `electron` module (there is no Electron binary on the test machines): the parts
 * the shell uses, recording what was asked of them. Use with `vi.mock('electron', () => import(...))`
 * and call `resetElectronDouble()` before each test.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

// `never`: the double accepts Electron's handlers, whose event it fakes.
type Handler = (event: never, ...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  permissionHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  readonly session = {
    setPermissionRequestHandler: (handler: FakeWebContents['permissionHandler']) => {
      this.permissionHandler = handler;
    },
  };

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  setWindowOpenHandler(handler: NonNullable<FakeWebContents['windowOpenHandler']>): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return false;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly calls: string[] = [];
  loadedUrl: string | undefined;
  minimized = false;

  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return false;
  }

  restore(): void {
    this.minimized = false;
    this.calls.push('restore');
  }

  show(): void {
    this.calls.push('show');
  }

  focus(): void {
    this.calls.push('focus');
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  /** What requestSingleInstanceLock answers: false means another instance holds the lock. */
  gotLock = true;
  requestSingleInstanceLock = vi.fn(() => this.gotLock);
  quit = vi.fn();
  exit = vi.fn();
  getVersion = () => '0.1.0';
  whenReady = () => Promise.resolve();
}
export const app = new FakeApp();

class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  /** Calls a registered handler as Electron would for a renderer frame at `senderUrl`. */
  async invoke(channel: string, senderUrl: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: { url: senderUrl } } as never, ...args);
  }
}
export const ipcMain = new FakeIpcMain();

class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => ({ error: null, result: null }));
}
export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposed: {} as Record<string, unknown>,
  exposeInMainWorld(key: string, api: unknown) {
    this.exposed[key] = api;
  },
};

export const safeStorage = {
  available: true,
  isEncryptionAvailable() {
    return this.available;
  },
  encryptString: (plain: string) => Buffer.from(`sealed:${plain}`),
  decryptString: (sealed: Buffer) => sealed.toString().replace(/^sealed:/, ''),
};

export interface MenuItem {
  id?: string;
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  tooltip = '';
  menu: { items: MenuItem[] } | undefined;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    Tray.instances.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: MenuItem[] }): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const Menu = { buildFromTemplate: (items: MenuItem[]) => ({ items }) };
export const nativeImage = { createFromPath: (file: string) => ({ file }) };
export const shell = { openExternal: vi.fn(async (_url: string) => {}) };
export const dialog = {
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
  showErrorBox: vi.fn(),
};

export function resetElectronDouble(): void {
  BrowserWindow.instances = [];
  Tray.instances = [];
  app.removeAllListeners();
  app.gotLock = true;
  app.isPackaged = false;
  app.requestSingleInstanceLock.mockClear();
  app.quit.mockClear();
  app.exit.mockClear();
  ipcMain.handlers.clear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invoke.mockReset();
  ipcRenderer.invoke.mockImplementation(async () => ({ error: null, result: null }));
  contextBridge.exposed = {};
  safeStorage.available = true;
  shell.openExternal.mockClear();
  dialog.showOpenDialog.mockClear();
  dialog.showErrorBox.mockClear();
}

export default { app, BrowserWindow, ipcMain, ipcRenderer, contextBridge, safeStorage, Tray, Menu, nativeImage, shell, dialog };
