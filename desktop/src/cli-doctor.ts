import { runDoctor } from './core/doctor.js';
import type { CliContext } from './cli-context.js';

export async function doctorCommand(context: CliContext, apiKey?: string): Promise<number> {
  const checks = await runDoctor(context.manager, { apiKey: apiKey ?? process.env.FORPROMPT_API_KEY });
  if (context.json) context.print(JSON.stringify({ checks }));
  else {
    for (const check of checks) {
      const mark = check.status === 'pass' ? 'ok  ' : check.status === 'skip' ? 'skip' : 'FAIL';
      context.print(`${mark}  ${check.name}: ${check.detail}${check.status !== 'pass' && check.hint ? `\n      → ${check.hint}` : ''}`);
    }
  }
  return checks.some((check) => check.status === 'fail') ? 1 : 0;
}
