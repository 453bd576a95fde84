import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkFeed } from './feed.js';

describe('the release feed', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))));

  async function feed(body: unknown): Promise<string> {
    server = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases/latest.json`;
  }

  it('offers a newer version, with its bundle resolved against the feed', async () => {
    const url = await feed({ version: '0.2.0', bundle: 'forprompt-0.2.0.fpupdate', notes: 'Faster backups' });
    expect(await checkFeed(url, '0.1.0')).toEqual({ available: true, current: '0.1.0', latest: '0.2.0', bundleUrl: url.replace('latest.json', 'forprompt-0.2.0.fpupdate'), notes: 'Faster backups' });
  });

  it('never offers the installed version or an older one', async () => {
    expect(await checkFeed(await feed({ version: '0.1.0', bundle: 'a.fpupdate' }), '0.1.0')).toMatchObject({ available: false });
    server!.close();
    expect(await checkFeed(await feed({ version: '0.0.9', bundle: 'a.fpupdate' }), '0.1.0')).toMatchObject({ available: false, latest: '0.0.9' });
  });

  it('says plainly when the feed does not answer { version, bundle }', async () => {
    await expect(checkFeed(await feed({ latest: 'x' }), '0.1.0')).rejects.toThrow(/did not answer \{ version, bundle \}/);
  });
});
