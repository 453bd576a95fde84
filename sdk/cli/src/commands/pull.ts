import path from 'node:path';
import { getSnapshot } from '../api.js';
import { connectionFlags, connectionHelp, connectionOptions, flagValue, noPositionals, stringValue, type Command } from '../command.js';
import { requireConnection } from '../config.js';
import { assertMayReplace, writeFileAtomic } from '../files.js';
import { renderTypedIndex } from '../generate/typed-index.js';
import { ApiClient } from '../http.js';
import { plural, say } from '../output.js';

export const pullCommand: Command = {
  name: 'pull',
  summary: 'Write an offline snapshot and typed prompt constants (forprompt/)',
  help: `Usage: forprompt pull [--out <dir>] [--snapshot <file>] [--force]

Fetches every labelled prompt version (GET /api/v1/snapshot) and writes:
  <out>/snapshot.json  the snapshot plus "fetchedAt"; load it with the SDK's \`snapshot\` option so
                       an application serves prompts while the engine is unreachable
  <out>/index.ts       one constant per prompt key (key, labels, variables) and its variables typed,
                       e.g. SupportReplyVariables and variablesFor("support-reply", { … })

Options:
  --out <dir>         output directory (default: forprompt)
  --snapshot <file>   where to write the snapshot (default: <out>/snapshot.json)
  --force             replace <out>/index.ts even if "forprompt deploy" or a person wrote it
${connectionHelp}`,
  options: { ...connectionOptions, out: { type: 'string' }, snapshot: { type: 'string' }, force: { type: 'boolean' } },
  async run(args) {
    noPositionals(this, args);
    const api = new ApiClient(requireConnection(connectionFlags(args), process.cwd()));
    const out = path.resolve(stringValue(args, 'out') ?? 'forprompt');
    const snapshotFile = path.resolve(stringValue(args, 'snapshot') ?? path.join(out, 'snapshot.json'));
    const indexFile = path.join(out, 'index.ts');
    await assertMayReplace(indexFile, 'pull', flagValue(args, 'force'));

    const { raw, snapshot } = await getSnapshot(api);
    const fetchedAt = new Date();
    await writeFileAtomic(snapshotFile, `${JSON.stringify({ ...raw, fetchedAt: fetchedAt.toISOString() }, null, 2)}\n`);
    await writeFileAtomic(indexFile, renderTypedIndex(snapshot, fetchedAt));

    const keys = new Set(snapshot.prompts.map((version) => version.key));
    const relative = (file: string) => path.relative(process.cwd(), file) || file;
    say(`Pulled ${plural(keys.size, 'prompt')} (${plural(snapshot.prompts.length, 'labelled version')}).`);
    say(`  ${relative(snapshotFile)}`);
    say(`  ${relative(indexFile)}`);
  },
};
