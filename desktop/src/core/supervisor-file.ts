import path from 'node:path';
import { z } from 'zod';
import type { SupervisorState } from './engine-process.js';
import { readJsonFile } from './files.js';

const supervisorFileSchema = z.object({
  pid: z.number().int(),
  state: z.custom<SupervisorState>((value) => typeof value === 'object' && value !== null && 'state' in value),
  updatedAt: z.string(),
});
export type SupervisorFile = z.infer<typeof supervisorFileSchema>;

/** `manager/supervisor.json`: the detached supervisor (`forprompt-manager up`) and its engine's state. */
export const supervisorFile = (dir: string) => path.join(dir, 'supervisor.json');

export async function readSupervisorFile(dir: string): Promise<SupervisorFile | undefined> {
  return readJsonFile(supervisorFile(dir), supervisorFileSchema).catch(() => undefined);
}

