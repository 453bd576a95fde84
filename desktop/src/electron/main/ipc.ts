import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { bridgeChannels, type BridgeOperation, type BridgeOperations, type IpcReply, type SerializedError } from '../bridge.js';

const settingsPatchSchema = z
  .object({
    database: z.enum(['auto', 'container', 'embedded', 'external']),
    externalDatabaseUrl: z.string(),
    withOllama: z.boolean(),
    ollamaModel: z.string(),
    enginePort: z.number(),
    backups: z.object({ directory: z.string().optional(), everyHours: z.number(), keep: z.number() }),
    engineEnv: z.record(z.string(), z.string()),
  })
  .partial()
  .strict();

const none = z.tuple([]);
const oneName = z.tuple([z.string().min(1).max(200)]);

/** The arguments each operation accepts from the renderer, checked before the operation runs. */
const argumentSchemas: { [K in BridgeOperation]: z.ZodType<Parameters<BridgeOperations[K]>> } = {
  getAppInfo: none,
  getStatus: none,
  up: none,
  down: none,
  listTasks: none,
  cancelTask: oneName,
  getEngineLog: none,
  listBackups: none,
  backupNow: z.tuple([z.enum(['fpbackup', 'pg_dump'])]),
  chooseBackupFile: none,
  restoreBackup: z.tuple([z.string().min(1).max(4096).regex(/\.(fpbackup|dump)$/, 'a backup is a .fpbackup or .dump file')]),
  getSettings: none,
  saveSettings: z.tuple([settingsPatchSchema]),
  listModels: none,
  pullModel: oneName,
  removeModel: oneName,
  runDoctor: none,
  getUpdateState: none,
  checkForUpdate: none,
  installUpdate: none,
  chooseUpdateBundle: none,
  applyUpdateBundle: z.tuple([z.string().min(1).max(4096).endsWith('.fpupdate', 'an update is a .fpupdate file')]),
  openDashboard: none,
};

export function serializeError(error: unknown): SerializedError {
  if (error instanceof z.ZodError) return { name: 'ValidationError', message: z.prettifyError(error) };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * Registers one handler per bridge operation on its own channel. Each checks the sender (only the
 * app's renderer may call), validates the arguments, and answers `{ error, result }`.
 */
export function registerBridgeHandlers(ipcMain: Pick<IpcMain, 'handle'>, operations: BridgeOperations, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): void {
  for (const operation of Object.keys(bridgeChannels) as BridgeOperation[]) {
    ipcMain.handle(bridgeChannels[operation], async (event, ...args: unknown[]): Promise<IpcReply<unknown>> => {
      try {
        if (!isTrustedSender(event)) throw Object.assign(new Error(`${operation} is only answered to the ForPrompt window`), { name: 'ForbiddenError' });
        const parsed = argumentSchemas[operation].parse(args) as unknown[];
        const run = operations[operation] as (...values: unknown[]) => Promise<unknown>;
        return { error: null, result: (await run(...parsed)) ?? null };
      } catch (error) {
        return { error: serializeError(error), result: null };
      }
    });
  }
}
