import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import pg from 'pg';
import { z } from 'zod';
import { execInContainer, type ExecOptions, type ExecResult } from './container-exec.js';
import { demuxFrames, demuxLogs } from './container-logs.js';
import { readJsonFile, writeFileAtomic } from './files.js';
import { serviceContainerSpec } from './stack-spec.js';
import { choosePort, isPortFree } from './ports.js';
import { imageIsPresent, pullImage } from './pull.js';
import type { SecretStore } from './secrets.js';
import {
  DATABASE_NAME,
  DATABASE_USER,
  imageReference,
  LABEL_MANAGED,
  LABEL_SERVICE,
  LABEL_STACK,
  OLLAMA_CONTAINER_PORT,
  POSTGRES_CONTAINER_PORT,
  type ImageRef,
  type StackManifest,
} from './stack-manifest.js';
import { throwIfCancelled, type TaskContext } from './tasks.js';

export type ServiceName = 'postgres' | 'ollama';

export interface ServiceStatus {
  service: ServiceName;
  container: string;
  /** Docker's container state, or `missing`. */
  state: string;
  health: 'healthy' | 'unhealthy' | 'starting' | 'none';
  /** Running, and healthy by Docker's check or already answering on its published port. */
  ready: boolean;
  image: string;
  hostPort?: number;
}

export interface StackStatus {
  name: string;
  services: ServiceStatus[];
  /** Every wanted service runs and reports healthy. */
  healthy: boolean;
  databaseUrl?: string;
  ollamaUrl?: string;
}

export interface StackOptions {
  docker: Docker;
  /** Names containers, volumes and the network (`<name>-postgres`, …); labels them `com.forprompt.stack=<name>`. */
  name: string;
  manifest: StackManifest;
  withOllama: boolean;
  secrets: SecretStore;
  /** Where the chosen host ports are remembered (`stack-<name>.json`). */
  stateDir: string;
  healthTimeoutMs?: number;
}

export class StackStartError extends Error {
  constructor(
    message: string,
    /** The last log lines of each container that did not become healthy. */
    readonly logs: Record<string, string>,
  ) {
    super(message);
    this.name = 'StackStartError';
  }
}

const portsSchema = z.object({ postgres: z.number().int().optional(), ollama: z.number().int().optional() });
const HEALTH_POLL_MS = 200;

/** PostgreSQL and (optionally) Ollama in containers the manager owns, on a private network. */
export class Stack {
  constructor(private readonly options: StackOptions) {}

  get name(): string {
    return this.options.name;
  }

  private get services(): ServiceName[] {
    return this.options.withOllama ? ['postgres', 'ollama'] : ['postgres'];
  }

  containerName(service: ServiceName): string {
    return `${this.options.name}-${service}`;
  }

  private volumeName(service: ServiceName): string {
    return `${this.options.name}-${service === 'postgres' ? 'pgdata' : 'ollama'}`;
  }

  private get networkName(): string {
    return `${this.options.name}-net`;
  }

  private labels(service?: ServiceName): Record<string, string> {
    return { [LABEL_MANAGED]: 'true', [LABEL_STACK]: this.options.name, ...(service ? { [LABEL_SERVICE]: service } : {}) };
  }

  async status(): Promise<StackStatus> {
    const services = await Promise.all(this.services.map((service) => this.serviceStatus(service)));
    const healthy = services.every((service) => service.ready);
    const password = await this.options.secrets.get(this.passwordSecret);
    const postgres = services.find((service) => service.service === 'postgres');
    const ollama = services.find((service) => service.service === 'ollama');
    return {
      name: this.options.name,
      services,
      healthy,
      databaseUrl: postgres?.hostPort && password ? databaseUrl(password, postgres.hostPort) : undefined,
      ollamaUrl: ollama?.hostPort ? `http://127.0.0.1:${ollama.hostPort}` : undefined,
    };
  }

  /**
   * Idempotent: a healthy stack is reported as it is. Otherwise pulls missing images, creates or
   * reuses containers, and waits for health; on failure removes the containers it started (never
   * volumes) and throws a StackStartError with their logs.
   */
  async up(context: TaskContext): Promise<StackStatus & { alreadyRunning: boolean }> {
    const before = await this.status();
    // Healthy and on the manifest's images (an update may have changed them): nothing to do.
    if (before.healthy && before.services.every((service) => this.onWantedImage(service))) return { ...before, alreadyRunning: true };
    const { docker } = this.options;
    for (const service of this.services) {
      const image = imageReference(this.imageOf(service));
      if (!(await imageIsPresent(docker, image))) {
        await pullImage(docker, image, { signal: context.signal, onProgress: context.report });
      }
    }
    throwIfCancelled(context.signal);
    context.report({ message: 'Creating the network and volumes' });
    await this.ensureNetwork();
    for (const service of this.services) await this.ensureVolume(service);
    const started: ServiceName[] = [];
    try {
      for (const service of this.services) {
        throwIfCancelled(context.signal);
        context.report({ message: `Starting ${service}` });
        if (await this.ensureContainer(service)) started.push(service);
      }
      await this.waitUntilHealthy(context);
    } catch (error) {
      await this.removeContainers(started);
      throw error;
    }
    return { ...(await this.status()), alreadyRunning: false };
  }

  /** Stops and removes the containers and the network. Volumes, and so all data, stay. */
  async down(context?: TaskContext): Promise<void> {
    context?.report({ message: 'Stopping containers' });
    const containers = await this.options.docker.listContainers({ all: true, filters: { label: [`${LABEL_STACK}=${this.options.name}`] } });
    await this.removeContainers(containers.map((container) => container.Labels[LABEL_SERVICE] as ServiceName));
    const networks = await this.options.docker.listNetworks({ filters: { name: [this.networkName] } });
    for (const network of networks.filter((entry) => entry.Name === this.networkName)) {
      await this.options.docker.getNetwork(network.Id).remove().catch(() => {});
    }
  }

  /** The last `tail` lines of a service's output. */
  async logs(service: ServiceName, tail = 100): Promise<string> {
    const container = this.options.docker.getContainer(this.containerName(service));
    const output = (await container.logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
    return demuxLogs(output);
  }

  /** Follows a service's output until the signal aborts. */
  async followLogs(service: ServiceName, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
    const container = this.options.docker.getContainer(this.containerName(service));
    const stream = (await container.logs({ stdout: true, stderr: true, tail: 100, follow: true })) as NodeJS.ReadableStream & { destroy(): void };
    signal.addEventListener('abort', () => stream.destroy(), { once: true });
    let pending: Buffer = Buffer.alloc(0);
    await new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        const { text, rest } = demuxFrames(pending);
        pending = rest;
        if (text) onText(text);
      });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
  }

  /**
   * Runs a PostgreSQL program (pg_dump, pg_restore) inside the postgres container, logged in as the
   * stack's user over the container's loopback: the tools of the server's own version.
   */
  async execPostgres(command: string[], options: Omit<ExecOptions, 'env'> = {}): Promise<ExecResult> {
    const password = await this.options.secrets.get(this.passwordSecret);
    if (!password) throw new Error(`The ${this.options.name} stack has no database password yet: start it first`);
    const env = ['PGHOST=127.0.0.1', `PGPORT=${POSTGRES_CONTAINER_PORT}`, `PGUSER=${DATABASE_USER}`, `PGPASSWORD=${password}`];
    return execInContainer(this.options.docker.getContainer(this.containerName('postgres')), command, { ...options, env });
  }

  private get passwordSecret(): string {
    return `stack.${this.options.name}.postgres.password`;
  }

  private imageOf(service: ServiceName): ImageRef {
    return this.options.manifest[service];
  }

  /** Is the service's container (a missing one counts as on it) on the manifest's image? */
  private onWantedImage(status: ServiceStatus): boolean {
    return status.image === imageReference(this.imageOf(status.service));
  }

  private async serviceStatus(service: ServiceName): Promise<ServiceStatus> {
    const name = this.containerName(service);
    const image = imageReference(this.imageOf(service));
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.options.docker.getContainer(name).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return { service, container: name, state: 'missing', health: 'none', ready: false, image };
      throw error;
    }
    const containerPort = `${service === 'postgres' ? POSTGRES_CONTAINER_PORT : OLLAMA_CONTAINER_PORT}/tcp`;
    const binding = info.NetworkSettings.Ports?.[containerPort]?.[0] ?? info.HostConfig.PortBindings?.[containerPort]?.[0];
    const health = (info.State.Health?.Status ?? 'none') as ServiceStatus['health'];
    const status: ServiceStatus = { service, container: name, state: info.State.Status, health, ready: false, image: info.Config.Image, hostPort: binding?.HostPort ? Number(binding.HostPort) : undefined };
    status.ready = status.state === 'running' && (health === 'healthy' || health === 'none' || (health === 'starting' && (await this.answers(status))));
    return status;
  }

  private async ensureNetwork(): Promise<void> {
    const { docker } = this.options;
    const existing = await docker.listNetworks({ filters: { name: [this.networkName] } });
    if (existing.some((network) => network.Name === this.networkName)) return;
    await docker.createNetwork({ Name: this.networkName, Labels: this.labels(), Internal: false, CheckDuplicate: true });
  }

  private async ensureVolume(service: ServiceName): Promise<void> {
    const { docker } = this.options;
    try {
      await docker.getVolume(this.volumeName(service)).inspect();
    } catch {
      await docker.createVolume({ Name: this.volumeName(service), Labels: this.labels(service) });
    }
  }

  /** Starts the service's container, creating it (or re-creating it for a new image); true if it was not running. */
  private async ensureContainer(service: ServiceName): Promise<boolean> {
    const { docker } = this.options;
    const current = await this.serviceStatus(service);
    if (current.state !== 'missing' && !this.onWantedImage(current)) {
      await docker.getContainer(current.container).remove({ force: true });
      current.state = 'missing';
    }
    if (current.state === 'running') return false;
    if (current.state === 'missing') {
      const port = await this.hostPort(service);
      await docker.createContainer(await this.containerSpec(service, imageReference(this.imageOf(service)), port));
    }
    await docker.getContainer(current.container).start().catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 304) throw error; // 304: already started
    });
    return true;
  }

  /** The remembered host port when it is free, else a new free one (remembered for next time). */
  private async hostPort(service: ServiceName): Promise<number> {
    const file = path.join(this.options.stateDir, `stack-${this.options.name}.json`);
    const ports = (await readJsonFile(file, portsSchema)) ?? {};
    const remembered = ports[service];
    const port = remembered !== undefined && (await isPortFree(remembered)) ? remembered : await choosePort(service === 'postgres' ? 55432 : 11434);
    if (port !== remembered) await writeFileAtomic(file, `${JSON.stringify({ ...ports, [service]: port }, null, 2)}\n`);
    return port;
  }

  private async containerSpec(service: ServiceName, image: string, hostPort: number): Promise<Docker.ContainerCreateOptions> {
    const password = service === 'postgres' ? await this.options.secrets.getOrCreate(this.passwordSecret) : undefined;
    return serviceContainerSpec({ service, name: this.containerName(service), image, hostPort, network: this.networkName, volume: this.volumeName(service), labels: this.labels(service), password });
  }

  /**
   * Bounded wait that re-checks only services not yet ready; gives up with their logs. Ready means
   * Docker reports the health check passed, or the service already answers on its published port
   * (PostgreSQL accepts a login, Ollama answers /api/tags) — Docker runs health checks only once a
   * second, the host can tell sooner.
   */
  private async waitUntilHealthy(context: TaskContext): Promise<void> {
    const timeoutMs = this.options.healthTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    let waiting = [...this.services];
    while (waiting.length > 0) {
      throwIfCancelled(context.signal);
      const statuses = await Promise.all(waiting.map((service) => this.serviceStatus(service)));
      const stopped = statuses.filter((status) => status.state === 'exited' || status.state === 'dead' || status.health === 'unhealthy');
      if (stopped.length > 0) throw await this.startFailure(stopped.map((status) => status.service), 'stopped or reported unhealthy');
      waiting = statuses.filter((status) => !status.ready).map((status) => status.service);
      if (waiting.length === 0) return;
      if (Date.now() > deadline) throw await this.startFailure(waiting, `did not become healthy within ${Math.round(timeoutMs / 1000)} s`);
      context.report({ message: `Waiting for ${waiting.join(' and ')} to become healthy` });
      await sleep(HEALTH_POLL_MS);
    }
  }

  /** Does the service answer from the host, through its published port? */
  private async answers(status: ServiceStatus): Promise<boolean> {
    if (!status.hostPort) return false;
    if (status.service === 'ollama') {
      return fetch(`http://127.0.0.1:${status.hostPort}/api/tags`, { signal: AbortSignal.timeout(1_000) }).then((response) => response.ok, () => false);
    }
    const password = await this.options.secrets.get(this.passwordSecret);
    if (!password) return false;
    const client = new pg.Client({ connectionString: databaseUrl(password, status.hostPort), connectionTimeoutMillis: 1_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  private async startFailure(services: ServiceName[], what: string): Promise<StackStartError> {
    const logs: Record<string, string> = {};
    for (const service of services) logs[service] = await this.logs(service, 50).catch((error: Error) => `(no logs: ${error.message})`);
    const shown = services.map((service) => `--- ${this.containerName(service)} (last lines) ---\n${logs[service]}`).join('\n');
    return new StackStartError(`${services.join(' and ')} ${what}.\n${shown}`, logs);
  }

  private async removeContainers(services: ServiceName[]): Promise<void> {
    for (const service of services) {
      const container = this.options.docker.getContainer(this.containerName(service));
      await container.stop({ t: 20 }).catch(() => {});
      await container.remove({ force: true }).catch(() => {});
    }
  }
}

export function databaseUrl(password: string, port: number, database = DATABASE_NAME): string {
  return `postgres://${DATABASE_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}
