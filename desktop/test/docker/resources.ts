import type Docker from 'dockerode';
import { isAlive } from '../../src/core/runtime.js';

/** Every container, volume, network and image the tests create carries this label (value "1"). */
export const TEST_LABEL = 'com.forprompt.test';
/** The test run (its vitest process id) that created a resource: concurrent runs leave each other alone. */
export const TEST_RUN_LABEL = 'com.forprompt.test.run';
/** Narrows cleanup to one test file's resources, so parallel files do not remove each other's. */
export const TEST_SCOPE_LABEL = 'com.forprompt.test.scope';

type Labels = Record<string, string> | null | undefined;

/**
 * Removes the containers (with their anonymous volumes), then the networks and named volumes that
 * carry `label` (`key` or `key=value`) and pass `select`. Images are kept: they are built once per content.
 */
export async function removeLabelled(docker: Docker, label: string, select: (labels: Labels) => boolean = () => true) {
  const filters = { label: [label] };
  const containers = (await docker.listContainers({ all: true, filters })).filter((container) => select(container.Labels));
  await Promise.all(containers.map((container) => ignoreGone(docker.getContainer(container.Id).remove({ force: true, v: true }))));
  const networks = (await docker.listNetworks({ filters })).filter((network) => select(network.Labels));
  await Promise.all(networks.map((network) => ignoreGone(docker.getNetwork(network.Id).remove())));
  const volumes = ((await docker.listVolumes({ filters })).Volumes ?? []).filter((volume) => select(volume.Labels));
  await Promise.all(volumes.map((volume) => ignoreGone(docker.getVolume(volume.Name).remove({ force: true }))));
}

/** Left by a run that ended without its teardown (or created without a run label). */
export function isLeftover(labels: Labels): boolean {
  const runPid = Number(labels?.[TEST_RUN_LABEL]);
  return !Number.isInteger(runPid) || runPid <= 0 || !isAlive(runPid);
}

/** Removal races (a container already being removed, a volume already gone) are not failures. */
async function ignoreGone(removal: Promise<unknown>): Promise<void> {
  try {
    await removal;
  } catch (error) {
    const statusCode = (error as { statusCode?: number }).statusCode;
    if (statusCode !== 404 && statusCode !== 409) throw error;
  }
}
