import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetElectronDouble, Tray } from '../../../test/electron/electron-double.js';
import type { StatusView } from '../bridge.js';
import { createTray } from './tray.js';

vi.mock('electron', () => import('../../../test/electron/electron-double.js'));

const running: StatusView = { engine: { state: 'running', url: 'http://127.0.0.1:3000', version: '0.1.0', dataProvider: 'embedded' }, database: 'embedded', databaseChoice: 'auto', firstRun: false };
const stopped: StatusView = { engine: { state: 'stopped', reason: 'no engine has been started' }, database: 'embedded', databaseChoice: 'auto', firstRun: false };

beforeEach(resetElectronDouble);

describe('the tray', () => {
  it('shows the status and offers the dashboard only while the engine runs', () => {
    const actions = { showWindow: vi.fn(), openDashboard: vi.fn(), backupNow: vi.fn(), quit: vi.fn() };
    const tray = createTray('/app/assets/tray.png', actions);
    const fake = Tray.instances[0]!;
    const item = (id: string) => fake.menu!.items.find((entry) => entry.id === id)!;
    tray.update(stopped);
    expect(fake.tooltip).toBe('ForPrompt: stopped');
    expect(item('open-dashboard').enabled).toBe(false);
    tray.update(running);
    expect(item('status').label).toBe('ForPrompt: running (embedded database)');
    expect(item('open-dashboard').enabled).toBe(true);
    item('open-dashboard').click!();
    item('backup-now').click!();
    item('quit').click!();
    expect(actions.openDashboard).toHaveBeenCalledOnce();
    expect(actions.backupNow).toHaveBeenCalledOnce();
    expect(actions.quit).toHaveBeenCalledOnce();
    fake.emit('click');
    expect(actions.showWindow).toHaveBeenCalledOnce();
  });
});
