import type { Response } from 'express';

/**
 * Opens a server-sent event stream on the response: each `send` writes one `data: {json}` event. Sent
 * uncompressed and unbuffered (`X-Accel-Buffering: no` for nginx in front) so deltas arrive as written.
 */
export function openEventStream(res: Response): { send: (data: unknown) => void; sendRaw: (data: string) => void; end: () => void } {
  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  const sendRaw = (data: string) => {
    if (!res.writableEnded) res.write(`data: ${data}\n\n`);
  };
  return { send: (data) => sendRaw(JSON.stringify(data)), sendRaw, end: () => void (res.writableEnded || res.end()) };
}
