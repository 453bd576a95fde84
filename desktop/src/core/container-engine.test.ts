import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverContainerEngine, dockerHostOptions, engineCandidates } from './container-engine.js';

describe('container engine discovery', () => {
  it('looks at DOCKER_HOST, Docker’s sockets, Podman’s rootful and rootless sockets, in that order', () => {
    const candidates = engineCandidates({ env: { DOCKER_HOST: 'tcp://10.0.0.5:2375', XDG_RUNTIME_DIR: '/run/user/1000' }, platform: 'linux', homedir: '/home/ada', uid: 1000 });
    expect(candidates.map((candidate) => [candidate.source, candidate.address])).toEqual([
      ['DOCKER_HOST', 'tcp://10.0.0.5:2375'],
      ['docker', '/var/run/docker.sock'],
      ['docker-desktop', '/home/ada/.docker/run/docker.sock'],
      ['podman-rootful', '/run/podman/podman.sock'],
      ['podman-rootless', '/run/user/1000/podman/podman.sock'],
    ]);
    expect(engineCandidates({ env: {}, platform: 'win32' }).map((candidate) => candidate.address)).toContain('//./pipe/docker_engine');
  });

  it('understands every DOCKER_HOST form', () => {
    expect(dockerHostOptions('unix:///run/docker.sock')).toEqual({ socketPath: '/run/docker.sock' });
    expect(dockerHostOptions('tcp://127.0.0.1:2375')).toEqual({ host: '127.0.0.1', port: 2375, protocol: 'http' });
    expect(dockerHostOptions('npipe:////./pipe/docker_engine')).toEqual({ socketPath: '//./pipe/docker_engine' });
    expect(() => dockerHostOptions('ssh://user@host')).toThrow(/not understood/);
  });

  describe('when nothing answers', () => {
    let directory: string;
    let server: net.Server | undefined;
    beforeEach(async () => {
      directory = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-discovery-'));
    });
    afterEach(async () => {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      await fs.rm(directory, { recursive: true, force: true });
    });

    it('says which places were tried and why each was passed over', async () => {
      const socket = path.join(directory, 'docker.sock');
      // A socket that accepts and closes at once: present, but not a container engine.
      server = net.createServer((connection) => connection.destroy());
      await new Promise<void>((resolve) => server!.listen(socket, resolve));
      const result = await discoverContainerEngine({ env: { DOCKER_HOST: `unix://${socket}`, XDG_RUNTIME_DIR: directory }, platform: 'linux', homedir: directory, uid: 4242, timeoutMs: 1_000 });
      expect(result.found).toBe(false);
      if (result.found) return;
      expect(result.tried[0]).toMatchObject({ source: 'DOCKER_HOST', address: `unix://${socket}` });
      expect(result.tried[0]!.reason).not.toBe('not present');
      expect(result.tried.find((entry) => entry.source === 'docker-desktop')).toMatchObject({ reason: 'not present' });
      expect(result.summary).toMatch(/Docker or Podman|not running|may not use it/);
    });
  });
});
