import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { throwIfCancelled } from './tasks.js';

export interface ExecOptions {
  /** `NAME=value` entries added to the container's environment for this command. */
  env?: string[];
  /** Streamed into the command's standard input, which is closed at its end. */
  stdin?: Readable;
  /** Receives the command's standard output, with backpressure (default: discarded). */
  stdout?: Writable;
  /** Aborting ends the exec stream: the command loses its input and output and stops. */
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  /** The end of what the command wrote to standard error (the part that says what went wrong). */
  stderr: string;
}

const STDERR_KEPT = 16 * 1024;

/**
 * `docker exec` without a TTY, streaming both ways in constant memory: stdin is piped into the
 * hijacked connection, stdout and stderr are split with `modem.demuxStream`, and the connection is
 * paused while `stdout` cannot take more.
 */
export async function execInContainer(container: Docker.Container, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const { signal, stdin } = options;
  throwIfCancelled(signal);
  const exec = await container.exec({ Cmd: command, Env: options.env, AttachStdin: Boolean(stdin), AttachStdout: true, AttachStderr: true });
  const connection = await exec.start({ hijack: true, stdin: Boolean(stdin) });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let stderrText = '';
  stderr.on('data', (chunk: Buffer) => (stderrText = (stderrText + chunk.toString('utf8')).slice(-STDERR_KEPT)));
  container.modem.demuxStream(connection, stdout, stderr);
  // demuxStream writes without looking at backpressure: hold the connection while stdout is full.
  connection.on('data', () => {
    if (stdout.writableNeedDrain) connection.pause();
  });
  stdout.on('drain', () => connection.resume());
  const stop = () => {
    stdin?.destroy();
    connection.destroy();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    // A command may exit without reading all its input (pg_restore --list reads only the table of
    // contents): the broken connection is not a failure then, the exit code says how it went.
    let broken: Error | undefined;
    let inputFailed: Error | undefined;
    const ended = new Promise<void>((resolve) => {
      connection.once('end', resolve);
      connection.once('close', resolve);
      connection.on('error', (error) => {
        broken ??= error;
        resolve();
      });
    }).then(() => stdout.end());
    const written = pipeline(stdout, options.stdout ?? new PassThrough().resume()).catch((error: unknown) => {
      connection.destroy();
      throw error;
    });
    if (stdin) {
      stdin.on('error', (error) => {
        inputFailed = error;
        connection.destroy();
      });
      stdin.pipe(connection);
    }
    await Promise.all([ended, written]);
    throwIfCancelled(signal);
    if (inputFailed) throw inputFailed;
    const code = await exitCode(exec).catch((error: unknown) => {
      throw broken ?? error;
    });
    return { exitCode: code, stderr: stderrText.trim() };
  } catch (error) {
    throwIfCancelled(signal);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    stdin?.destroy();
    connection.destroy();
  }
}

/** The exit code, once Docker has noticed the exit (it can lag the end of the stream by a moment). */
async function exitCode(exec: Docker.Exec): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (attempt === 50) throw new Error('The command in the container ended its output but did not exit');
    await sleep(100);
  }
}

