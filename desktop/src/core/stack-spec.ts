import type Docker from 'dockerode';
import { DATABASE_NAME, DATABASE_USER, OLLAMA_CONTAINER_PORT, POSTGRES_CONTAINER_PORT } from './stack-manifest.js';

export interface ServiceSpecInput {
  service: 'postgres' | 'ollama';
  name: string;
  image: string;
  hostPort: number;
  network: string;
  volume: string;
  labels: Record<string, string>;
  /** PostgreSQL's password (from the secret store). */
  password?: string;
}

const seconds = (value: number) => value * 1_000_000_000;

/**
 * A service's container: published on 127.0.0.1 only, on the stack's private network (reachable there
 * by its service name), its data on a named volume, a health check Docker runs every second, and a
 * restart policy that survives reboots of the container engine.
 */
export function serviceContainerSpec(input: ServiceSpecInput): Docker.ContainerCreateOptions {
  const containerPort = `${input.service === 'postgres' ? POSTGRES_CONTAINER_PORT : OLLAMA_CONTAINER_PORT}/tcp`;
  const hostConfig = {
    PortBindings: { [containerPort]: [{ HostIp: '127.0.0.1', HostPort: String(input.hostPort) }] },
    NetworkMode: input.network,
    RestartPolicy: { Name: 'unless-stopped' },
  };
  const common = {
    name: input.name,
    Image: input.image,
    Labels: input.labels,
    ExposedPorts: { [containerPort]: {} },
    NetworkingConfig: { EndpointsConfig: { [input.network]: { Aliases: [input.service] } } },
  };
  if (input.service === 'postgres') {
    return {
      ...common,
      Env: [`POSTGRES_USER=${DATABASE_USER}`, `POSTGRES_PASSWORD=${input.password}`, `POSTGRES_DB=${DATABASE_NAME}`, 'PGDATA=/var/lib/postgresql/data/pgdata'],
      Healthcheck: { Test: ['CMD-SHELL', `pg_isready -h 127.0.0.1 -U ${DATABASE_USER} -d ${DATABASE_NAME}`], Interval: seconds(1), Timeout: seconds(5), Retries: 5, StartPeriod: seconds(60) },
      HostConfig: { ...hostConfig, Mounts: [{ Type: 'volume', Source: input.volume, Target: '/var/lib/postgresql/data' }] },
    };
  }
  return {
    ...common,
    // `ollama list` asks the server's /api/tags: it works in the official image and the test image alike.
    Healthcheck: { Test: ['CMD', 'ollama', 'list'], Interval: seconds(1), Timeout: seconds(5), Retries: 5, StartPeriod: seconds(60) },
    HostConfig: { ...hostConfig, Mounts: [{ Type: 'volume', Source: input.volume, Target: '/root/.ollama' }] },
  };
}
