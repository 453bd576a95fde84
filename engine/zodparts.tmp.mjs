import { randomUUID } from 'node:crypto';
import { ingestEventSchema, spanBodySchema } from '@forprompt/sdk/ingest';
import { z } from 'zod';
const now = new Date().toISOString();
const events = Array.from({ length: 100 }, (_, index) => { const id = randomUUID(); return { id: `evt-${id}`, timestamp: now, type: 'span-create', body: { id, traceId: 'bench-trace-1', name: `step ${index}`, model: 'gpt-4o-mini', input: { question: 'How do I reset my password?', index }, output: `Step ${index}: open settings`, durationMs: 120 + index, startTime: now } }; });
const shape = spanBodySchema._zod.def.in?._zod?.def?.shape ?? spanBodySchema._zod.def.shape;
console.log(Object.keys(spanBodySchema._zod.def));
const run = (label, fn, iters = 3000) => {
  for (let i = 0; i < 500; i++) fn();
  const t0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) fn();
  const c = process.cpuUsage(t0);
  console.log(label.padEnd(30), ((c.user + c.system) / iters).toFixed(1), 'µs per 100 events');
};
run('full event', () => { for (const e of events) ingestEventSchema.safeParse(e); });
run('span body', () => { for (const e of events) spanBodySchema.safeParse(e.body); });
const sh = spanBodySchema._zod.def.shape;
for (const key of ['id', 'traceId', 'name', 'model', 'input', 'output', 'durationMs', 'startTime']) {
  run(`field ${key}`, () => { for (const e of events) sh[key].safeParse(e.body[key]); });
}
run('strictObject, no checks', () => { const s = z.strictObject(Object.fromEntries(Object.keys(sh).map((k) => [k, z.unknown().optional()]))); for (const e of events) s.safeParse(e.body); });
