import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcMain, resetElectronDouble } from '../../../test/electron/electron-double.js';
import { bridgeChannels, type BridgeOperations } from '../bridge.js';
import { registerBridgeHandlers } from './ipc.js';

vi.mock('electron', () => import('../../../test/electron/electron-double.js'));

const rendererUrl = 'file:///app/dist/renderer/index.html';
const trusted = (event: { senderFrame?: { url: string } | null }) => event.senderFrame?.url === rendererUrl;

function register(operations: Partial<BridgeOperations>) {
  registerBridgeHandlers(ipcMain, operations as BridgeOperations, trusted);
}

beforeEach(resetElectronDouble);

describe('the IPC handlers', () => {
  it('register one channel per bridge operation', () => {
    register({});
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(bridgeChannels).sort());
  });

  it('answer { error: null, result } on success', async () => {
    register({ getAppInfo: async () => ({ version: '0.1.0', home: '/data', packaged: false }) });
    await expect(ipcMain.invoke(bridgeChannels.getAppInfo, rendererUrl)).resolves.toEqual({ error: null, result: { version: '0.1.0', home: '/data', packaged: false } });
  });

  it('answer { error: { name, message }, result: null } when the operation throws', async () => {
    register({ listBackups: async () => Promise.reject(new TypeError('the backup folder is a file')) });
    await expect(ipcMain.invoke(bridgeChannels.listBackups, rendererUrl)).resolves.toEqual({ error: { name: 'TypeError', message: 'the backup folder is a file' }, result: null });
  });

  it('check the arguments before the operation runs', async () => {
    const restoreBackup = vi.fn(async () => ({ taskId: 'x' }));
    const saveSettings = vi.fn();
    register({ restoreBackup, saveSettings });
    const wrongFile = (await ipcMain.invoke(bridgeChannels.restoreBackup, rendererUrl, '/etc/passwd')) as { error: { name: string; message: string } };
    expect(wrongFile.error.name).toBe('ValidationError');
    expect(wrongFile.error.message).toContain('.fpbackup');
    const unknownSetting = (await ipcMain.invoke(bridgeChannels.saveSettings, rendererUrl, { enginePort: 3001, manifest: {} })) as { error: { name: string } };
    expect(unknownSetting.error.name).toBe('ValidationError');
    expect(restoreBackup).not.toHaveBeenCalled();
    expect(saveSettings).not.toHaveBeenCalled();
  });

  it('answer only the app’s own renderer', async () => {
    const down = vi.fn(async () => ({ taskId: 'x' }));
    register({ down });
    const reply = (await ipcMain.invoke(bridgeChannels.down, 'https://evil.example/')) as { error: { name: string } };
    expect(reply.error.name).toBe('ForbiddenError');
    expect(down).not.toHaveBeenCalled();
  });
});
