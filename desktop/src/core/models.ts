import { Ollama } from 'ollama';
import { throwIfCancelled, type TaskContext } from './tasks.js';

export interface InstalledModel {
  name: string;
  sizeBytes: number;
  modifiedAt: string;
}

/** Ollama's models through the `ollama` package: list, pull with streamed progress, delete. */
export class OllamaModels {
  private readonly client: Ollama;

  constructor(readonly baseUrl: string) {
    this.client = new Ollama({ host: baseUrl });
  }

  async list(): Promise<InstalledModel[]> {
    const { models } = await this.client.list();
    return models.map((model) => ({ name: model.name, sizeBytes: model.size, modifiedAt: new Date(model.modified_at).toISOString() }));
  }

  async has(name: string): Promise<boolean> {
    const wanted = withTag(name);
    return (await this.list()).some((model) => withTag(model.name) === wanted);
  }

  async pull(name: string, context: TaskContext): Promise<void> {
    throwIfCancelled(context.signal);
    const stream = await this.client.pull({ model: name, stream: true });
    const onAbort = () => stream.abort();
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const part of stream) {
        const fraction = part.total ? Math.min(1, (part.completed ?? 0) / part.total) : undefined;
        context.report({ message: `${name}: ${part.status}`, fraction, layers: part.digest ? { [part.digest]: { status: part.status, current: part.completed, total: part.total } } : undefined });
      }
    } catch (error) {
      throwIfCancelled(context.signal);
      throw new Error(`Pulling the model ${name} failed: ${(error as Error).message}`);
    } finally {
      context.signal.removeEventListener('abort', onAbort);
    }
  }

  async remove(name: string): Promise<void> {
    await this.client.delete({ model: name });
  }
}

/** Ollama treats `llama3.1` as `llama3.1:latest`. */
function withTag(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}
