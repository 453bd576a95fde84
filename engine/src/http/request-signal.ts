import type { Response } from 'express';

/** Aborts when the client goes away before the answer is complete, so work done only for it (an AI call) stops. */
export function requestSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
