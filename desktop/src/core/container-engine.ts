import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { errorMessage } from './tasks.js';

/** One place a container engine may listen, in the order they are tried. */
export interface EngineCandidate {
  source: 'DOCKER_HOST' | 'docker' | 'docker-desktop' | 'podman-rootful' | 'podman-rootless' | 'windows-pipe';
  address: string;
  options: Docker.DockerOptions;
}

export interface FoundEngine {
  found: true;
  /** `docker` or `podman` (Podman answers the Docker API with a "Podman Engine" component). */
  kind: 'docker' | 'podman';
  source: EngineCandidate['source'];
  address: string;
  version: string;
  apiVersion: string;
  docker: Docker;
}

export interface NoEngine {
  found: false;
  /** Why each candidate was passed over, e.g. "/var/run/docker.sock: not present". */
  tried: { source: EngineCandidate['source']; address: string; reason: string }[];
  summary: string;
}

interface DiscoveryEnvironment {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  uid?: number;
  homedir?: string;
}

/** Parses DOCKER_HOST (`unix://`, `tcp://`, `npipe://`) into dockerode options. */
export function dockerHostOptions(dockerHost: string): Docker.DockerOptions {
  const url = new URL(dockerHost);
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'npipe:':
      // npipe:////./pipe/docker_engine → //./pipe/docker_engine
      return { socketPath: decodeURIComponent(dockerHost.slice('npipe:'.length).replace(/^\/\/+/, '//')) };
    case 'tcp:':
    case 'http:':
    case 'https:':
      return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 2376 : 2375)), protocol: url.protocol === 'https:' ? 'https' : 'http' };
    default:
      throw new Error(`DOCKER_HOST "${dockerHost}" is not understood (expected unix://, tcp:// or npipe://)`);
  }
}

/** Every place to look, most specific first: DOCKER_HOST, Docker's sockets, Podman's, the Windows pipe. */
export function engineCandidates(environment: DiscoveryEnvironment = {}): EngineCandidate[] {
  const env = environment.env ?? process.env;
  const platform = environment.platform ?? process.platform;
  const home = environment.homedir ?? os.homedir();
  const uid = environment.uid ?? process.getuid?.() ?? 0;
  const candidates: EngineCandidate[] = [];
  if (env.DOCKER_HOST) candidates.push({ source: 'DOCKER_HOST', address: env.DOCKER_HOST, options: dockerHostOptions(env.DOCKER_HOST) });
  if (platform === 'win32') {
    candidates.push({ source: 'windows-pipe', address: '//./pipe/docker_engine', options: { socketPath: '//./pipe/docker_engine' } });
    candidates.push({ source: 'podman-rootful', address: '//./pipe/podman-machine-default', options: { socketPath: '//./pipe/podman-machine-default' } });
    return candidates;
  }
  const socket = (source: EngineCandidate['source'], socketPath: string): EngineCandidate => ({ source, address: socketPath, options: { socketPath } });
  candidates.push(socket('docker', '/var/run/docker.sock'));
  candidates.push(socket('docker-desktop', path.join(home, '.docker', 'run', 'docker.sock')));
  candidates.push(socket('podman-rootful', '/run/podman/podman.sock'));
  const runtimeDir = env.XDG_RUNTIME_DIR ?? `/run/user/${uid}`;
  candidates.push(socket('podman-rootless', path.join(runtimeDir, 'podman', 'podman.sock')));
  if (platform === 'darwin') {
    candidates.push(socket('podman-rootless', path.join(home, '.local', 'share', 'containers', 'podman', 'machine', 'podman.sock')));
  }
  return candidates;
}

/**
 * Pings each candidate in turn; the first that answers wins. Reports why each other one did not.
 * `address` (the manager's `containerHost` setting, in DOCKER_HOST form) tries that one place only.
 */
export async function discoverContainerEngine(environment: DiscoveryEnvironment & { timeoutMs?: number; address?: string } = {}): Promise<FoundEngine | NoEngine> {
  const tried: NoEngine['tried'] = [];
  const candidates = environment.address
    ? [{ source: 'DOCKER_HOST' as const, address: environment.address, options: dockerHostOptions(environment.address) }]
    : engineCandidates(environment);
  for (const candidate of candidates) {
    const isSocket = candidate.options.socketPath !== undefined && !candidate.options.socketPath.startsWith('//');
    if (isSocket && !fs.existsSync(candidate.options.socketPath!)) {
      tried.push({ source: candidate.source, address: candidate.address, reason: 'not present' });
      continue;
    }
    const docker = new Docker({ ...candidate.options, timeout: environment.timeoutMs ?? 3_000 });
    try {
      await docker.ping();
      const version = await docker.version();
      const isPodman = (version.Components ?? []).some((component) => /podman/i.test(component.Name));
      return { found: true, kind: isPodman ? 'podman' : 'docker', source: candidate.source, address: candidate.address, version: version.Version, apiVersion: version.ApiVersion, docker: new Docker(candidate.options) };
    } catch (error) {
      tried.push({ source: candidate.source, address: candidate.address, reason: describeConnectError(error) });
    }
  }
  return { found: false, tried, summary: summarise(tried) };
}

function describeConnectError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied (add your user to the "docker" group, or run rootless Podman)';
  if (code === 'ECONNREFUSED') return 'nothing is listening (is the engine started?)';
  if (code === 'ENOENT') return 'not present';
  return errorMessage(error);
}

function summarise(tried: NoEngine['tried']): string {
  const denied = tried.find((entry) => entry.reason.startsWith('permission denied'));
  if (denied) return `A container engine was found at ${denied.address}, but this user may not use it: ${denied.reason}.`;
  const refused = tried.find((entry) => entry.reason.startsWith('nothing is listening'));
  if (refused) return `A container engine socket exists at ${refused.address}, but the engine is not running. Start Docker or Podman.`;
  return 'No container engine (Docker or Podman) was found. ForPrompt uses its embedded PostgreSQL instead.';
}
