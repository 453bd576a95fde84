import type Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, throwIfCancelled, type TaskProgress } from './tasks.js';

/** A line of a Docker JSON progress stream (pull, image load, build, push). */
export interface DockerProgressEvent {
  id?: string;
  status?: string;
  stream?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** Follows a Docker progress stream to its end; rejects on an `error` line (followProgress alone does not). */
export function followDockerStream(docker: Docker, stream: NodeJS.ReadableStream, onEvent?: (event: DockerProgressEvent) => void): Promise<DockerProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: DockerProgressEvent[]) => {
        const failed = events?.find((event) => event.error);
        if (error) reject(error);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else resolve(events);
      },
      onEvent,
    );
  });
}

export interface PullOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TaskProgress) => void;
  /** Attempts after the first failure (network hiccups); backoff 1 s, 2 s, 4 s… */
  retries?: number;
}

export async function imageIsPresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** Pulls `image`, reporting per-layer bytes; retries with backoff; the signal stops it. */
export async function pullImage(docker: Docker, image: string, options: PullOptions = {}): Promise<void> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    throwIfCancelled(options.signal);
    try {
      await pullOnce(docker, image, options);
      return;
    } catch (error) {
      throwIfCancelled(options.signal);
      if (attempt >= retries || isPermanent(error)) throw new Error(`Pulling ${image} failed: ${errorMessage(error)}`);
      const delayMs = 1_000 * 2 ** attempt;
      options.onProgress?.({ message: `Pulling ${image} failed (${errorMessage(error)}); retrying in ${delayMs / 1000} s` });
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => {});
    }
  }
}

function isPermanent(error: unknown): boolean {
  return /not found|manifest unknown|unauthorized|denied|invalid reference/i.test(errorMessage(error));
}

async function pullOnce(docker: Docker, image: string, options: PullOptions): Promise<void> {
  const stream = (await docker.pull(image)) as NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
  const layers: NonNullable<TaskProgress['layers']> = {};
  const onAbort = () => stream.destroy?.(new Error('Cancelled'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await followDockerStream(docker, stream, (event) => {
      if (event.error) return;
      if (event.id && event.status && !/^(Pulling from|Digest|Status)/.test(event.status)) {
        // Later events ("Verifying Checksum", "Pull complete") carry no byte counts: keep the layer's size.
        const known = layers[event.id]?.total;
        const total = event.progressDetail?.total ?? known;
        const finished = /complete|already exists/i.test(event.status);
        layers[event.id] = { status: event.status, current: finished ? total : (event.progressDetail?.current ?? layers[event.id]?.current), total };
      }
      options.onProgress?.({ message: `Pulling ${image}`, fraction: layerFraction(layers), layers: { ...layers } });
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Bytes done over bytes known, counting finished layers as complete. */
export function layerFraction(layers: NonNullable<TaskProgress['layers']>): number | undefined {
  let done = 0;
  let total = 0;
  for (const layer of Object.values(layers)) {
    const finished = /complete|already exists/i.test(layer.status);
    if (layer.total) {
      total += layer.total;
      done += finished ? layer.total : Math.min(layer.current ?? 0, layer.total);
    }
  }
  return total > 0 ? Math.min(1, done / total) : undefined;
}
