// Stands in for the Ollama server inside the desktop tests' Ollama image (images.ts). It speaks the parts
// of Ollama's HTTP API the manager and the engine use (https://github.com/ollama/ollama/blob/main/docs/api.md)
// with deterministic answers: pulls stream progress and then keep a manifest under OLLAMA_MODELS, chats
// echo the last user message. Plain node:http and no dependencies: it runs on the host's node binary.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const VERSION = '0.12.6';
const modelsDir = process.env.OLLAMA_MODELS || join(homedir(), '.ollama', 'models');
const manifestsDir = join(modelsDir, 'manifests', 'registry.ollama.ai', 'library');
/** How long a pull's big layer takes to "download": long enough to watch progress, short enough for tests. */
const pullMs = Number(process.env.OLLAMA_TEST_PULL_MS ?? 900);

/** The fake registry: any tag of these repositories can be pulled; anything else does not exist. */
const library = {
  'llama3.1': { family: 'llama', parameterSize: '8.0B' },
  'llama3.2': { family: 'llama', parameterSize: '3.2B' },
  'qwen2.5': { family: 'qwen2', parameterSize: '494.03M' },
  gemma3: { family: 'gemma3', parameterSize: '999.89M' },
  smollm2: { family: 'llama', parameterSize: '134.52M' },
  tinyllama: { family: 'llama', parameterSize: '1.1B' },
  mistral: { family: 'llama', parameterSize: '7.2B' },
  phi3: { family: 'phi3', parameterSize: '3.8B' },
  'nomic-embed-text': { family: 'nomic-bert', parameterSize: '137M', embedding: true },
  'all-minilm': { family: 'bert', parameterSize: '23M', embedding: true },
};

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** `llama3.1` → llama3.1:latest; undefined when it is not a model name at all. */
function parseModelName(raw) {
  if (typeof raw !== 'string') return undefined;
  const match = /^(?:registry\.ollama\.ai\/)?(?:library\/)?([a-z0-9][a-z0-9._-]*)(?::([a-z0-9][a-z0-9._-]{0,127}))?$/.exec(
    raw.trim().toLowerCase(),
  );
  if (!match) return undefined;
  const [, repository, tag = 'latest'] = match;
  return { repository, tag, name: `${repository}:${tag}`, path: join(manifestsDir, repository, tag) };
}

function layersOf(model) {
  const modelSize = 100_000_000 + (parseInt(sha256(model.name).slice(0, 8), 16) % 900_000_000);
  const layers = [
    ['application/vnd.ollama.image.model', modelSize],
    ['application/vnd.ollama.image.template', 1_429],
    ['application/vnd.ollama.image.license', 12_403],
    ['application/vnd.ollama.image.params', 96],
  ];
  return layers.map(([mediaType, size]) => ({ mediaType, size, digest: `sha256:${sha256(model.name + mediaType)}` }));
}

function detailsOf(model) {
  const { family, parameterSize, embedding } = library[model.repository];
  const quantization_level = embedding ? 'F16' : 'Q4_K_M';
  return { parent_model: '', format: 'gguf', family, families: [family], parameter_size: parameterSize, quantization_level };
}

async function readManifest(model) {
  const text = await readFile(model.path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : { ...JSON.parse(text), digest: sha256(text) };
}

/** A model as GET /api/tags lists it. */
function listed(manifest) {
  const { name, modified_at, details, layers, digest } = manifest;
  return { name, model: name, modified_at, size: layers.reduce((sum, layer) => sum + layer.size, 0), digest, details };
}

async function listModels() {
  const models = [];
  for (const repository of await readdir(manifestsDir).catch(() => [])) {
    for (const tag of await readdir(join(manifestsDir, repository)).catch(() => [])) {
      const manifest = await readManifest(parseModelName(`${repository}:${tag}`));
      if (manifest) models.push(listed(manifest));
    }
  }
  return models.sort((a, b) => b.modified_at.localeCompare(a.modified_at));
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function startStream(res) {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  return (line) => res.write(`${JSON.stringify(line)}\n`);
}

async function pull(req, res, body) {
  const model = parseModelName(body.model ?? body.name);
  const streaming = body.stream !== false;
  let cancelled = false;
  res.on('close', () => (cancelled = !res.writableEnded));
  const emit = streaming ? startStream(res) : () => {}; // without streaming only the final line is sent
  const finish = (line) => {
    if (streaming) res.end(`${JSON.stringify(line)}\n`);
    else sendJson(res, line.error ? 500 : 200, line);
  };

  emit({ status: 'pulling manifest' });
  await sleep(pullMs / 10);
  if (!model || !library[model.repository]) return finish({ error: 'pull model manifest: file does not exist' });
  const layers = layersOf(model);
  for (const layer of layers) {
    const steps = layer.size > 1_000_000 ? 6 : 1;
    for (let step = 0; step <= steps; step++) {
      if (cancelled) return; // like Ollama: a client that goes away cancels the pull, nothing is written
      const completed = Math.round((layer.size * step) / steps);
      // Go's omitempty: the first line of a layer has no `completed`.
      emit({ status: `pulling ${layer.digest.slice(7, 19)}`, digest: layer.digest, total: layer.size, ...(completed && { completed }) });
      if (steps > 1 && step < steps) await sleep(pullMs / steps);
    }
  }
  emit({ status: 'verifying sha256 digest' });
  if (cancelled) return;
  emit({ status: 'writing manifest' });
  const manifest = { schemaVersion: 2, name: model.name, modified_at: new Date().toISOString(), details: detailsOf(model), layers };
  await mkdir(dirname(model.path), { recursive: true });
  await writeFile(model.path, JSON.stringify(manifest));
  finish({ status: 'success' });
}

async function remove(res, body) {
  const requested = body.model ?? body.name;
  const model = parseModelName(requested);
  const removed = model && (await rm(model.path).then(() => true, () => false));
  if (!removed) return sendJson(res, 404, { error: `model '${requested}' not found` });
  res.writeHead(200).end();
}

async function show(res, body) {
  const requested = body.model ?? body.name;
  const model = parseModelName(requested);
  const manifest = model && (await readManifest(model));
  if (!manifest) return sendJson(res, 404, { error: `model '${requested}' not found` });
  const { family, embedding } = library[model.repository];
  sendJson(res, 200, {
    license: 'Test model: no weights, no license.',
    modelfile: `# Modelfile generated by "ollama show"\nFROM ${model.name}\nTEMPLATE {{ .Prompt }}\n`,
    parameters: 'temperature 0',
    template: '{{ .Prompt }}',
    details: manifest.details,
    model_info: { 'general.architecture': family, 'general.parameter_count': 1_000_000 },
    capabilities: embedding ? ['embedding'] : ['completion'],
    modified_at: manifest.modified_at,
  });
}

/** A JSON value of the requested schema (structured outputs), with strings echoing the user. */
function sampleOf(schema, text) {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sampleOf(value, text)]));
    case 'array':
      return schema.items ? [sampleOf(schema.items, text)] : [];
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return text;
  }
}

function replyTo(messages, format) {
  const lastUserMessage = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  const echo = `Echo: ${lastUserMessage}`;
  if (format === 'json') return JSON.stringify({ reply: echo });
  if (format && typeof format === 'object') return JSON.stringify(sampleOf(format, echo));
  return echo;
}

/** POST /api/chat and /api/generate: the same answer, as `message` or as `response`. */
async function answer(res, body, kind) {
  const model = parseModelName(body.model);
  if (!model) return sendJson(res, 400, { error: 'model is required' });
  if (!(await readManifest(model))) return sendJson(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
  const piece = (content) => (kind === 'chat' ? { message: { role: 'assistant', content } } : { response: content });
  const base = () => ({ model: body.model, created_at: new Date().toISOString() });
  const messages = kind === 'chat' ? (body.messages ?? []) : [{ role: 'system', content: body.system ?? '' }, { role: 'user', content: body.prompt ?? '' }];
  if (kind === 'chat' ? messages.length === 0 : !body.prompt) return sendJson(res, 200, { ...base(), ...piece(''), done_reason: 'load', done: true });

  const text = replyTo(messages, body.format);
  const tokens = text.match(/\S+\s*/g) ?? [''];
  const promptWords = messages.map((message) => message.content ?? '').join(' ').match(/\S+/g)?.length ?? 0;
  const done = {
    done_reason: 'stop',
    done: true,
    ...(kind === 'generate' && { context: tokens.map((_, index) => index + 1) }),
    total_duration: 5_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: Math.max(1, promptWords),
    prompt_eval_duration: 1_000_000,
    eval_count: tokens.length,
    eval_duration: 3_000_000,
  };
  if (body.stream === false) return sendJson(res, 200, { ...base(), ...piece(text), ...done });
  const emit = startStream(res);
  for (const token of tokens) {
    emit({ ...base(), ...piece(token), done: false });
    await sleep(5);
  }
  res.end(`${JSON.stringify({ ...base(), ...piece(''), ...done })}\n`);
}

async function readJsonBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text ? JSON.parse(text) : {};
}

const routes = {
  'GET /': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Ollama is running'),
  'HEAD /': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(),
  'GET /api/version': (_req, res) => sendJson(res, 200, { version: VERSION }),
  'GET /api/tags': async (_req, res) => sendJson(res, 200, { models: await listModels() }),
  'GET /api/ps': (_req, res) => sendJson(res, 200, { models: [] }),
  'POST /api/pull': async (req, res) => pull(req, res, await readJsonBody(req)),
  'DELETE /api/delete': async (req, res) => remove(res, await readJsonBody(req)),
  'POST /api/show': async (req, res) => show(res, await readJsonBody(req)),
  'POST /api/chat': async (req, res) => answer(res, await readJsonBody(req), 'chat'),
  'POST /api/generate': async (req, res) => answer(res, await readJsonBody(req), 'generate'),
};

const server = createServer(async (req, res) => {
  const route = routes[`${req.method} ${new URL(req.url ?? '/', 'http://ollama').pathname}`];
  if (!route) return res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  try {
    await route(req, res);
  } catch (error) {
    if (res.headersSent) res.end();
    else sendJson(res, error instanceof SyntaxError ? 400 : 500, { error: error.message });
  }
});

/** OLLAMA_HOST as Ollama reads it: [scheme://]host[:port], 127.0.0.1:11434 by default. */
function listenAddress() {
  const address = (process.env.OLLAMA_HOST || '127.0.0.1:11434').replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  const separator = address.lastIndexOf(':');
  const host = separator === -1 ? address : address.slice(0, separator);
  const port = separator === -1 ? 11434 : Number(address.slice(separator + 1));
  return { host: host || '127.0.0.1', port };
}

const { host, port } = listenAddress();
server.listen(port, host, () => console.error(`Listening on ${host}:${port} (version ${VERSION})`));
// As PID 1 in a container node has no default signal handlers: stop promptly on `docker stop`.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
