import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from './server.js';

describe('startHttpServer', () => {
  it('stops accepting on close but lets in-flight requests finish', async () => {
    const app = express();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    app.get('/slow', async (_req, res) => {
      await released;
      res.json({ finished: true });
    });
    const server = await startHttpServer(app, '127.0.0.1', 0);
    const url = `http://127.0.0.1:${(server.address as AddressInfo).port}`;

    const inFlight = fetch(`${url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = server.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${url}/slow`, { headers: { connection: 'close' } })).rejects.toThrow();
    release();
    const response = await inFlight;
    expect(await response.json()).toEqual({ finished: true });
    await closed;
  });
});
