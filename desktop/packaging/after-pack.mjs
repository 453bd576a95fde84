// electron-builder `afterPack` hook: gives the packed engine (resources/engine, from extraResources) the
// node_modules it runs with — the production dependency closure of engine/package.json, copied from the
// repository's installed tree with the same nesting, so Node resolves each package as it does here.
import fs from 'node:fs';
import path from 'node:path';

function readManifest(directory) {
  return JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf8'));
}

/** `<dir>/node_modules/<name>` in `from` or its ancestors up to `root`, as Node's resolution finds it. */
function findInstalled(name, from, root) {
  for (let directory = from; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (directory === root || path.dirname(directory) === directory) return undefined;
  }
}

/** What a package needs at run time: dependencies, the optional ones installed here, required peers. */
function runtimeDependencies(manifest) {
  const optionalPeers = new Set(Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, meta]) => meta?.optional).map(([name]) => name));
  return [
    ...Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...Object.keys(manifest.peerDependencies ?? {}).map((name) => ({ name, optional: optionalPeers.has(name) })),
  ];
}

/**
 * Every package `packageDir` needs at run time, as `{ source, target }`: `source` the installed directory,
 * `target` its place relative to the packed package (node_modules/…, nested where it is nested here).
 * A workspace package (a symlink out of node_modules) is placed where its link is.
 */
export function productionDependencies(packageDir, root) {
  const found = new Map(); // target → source
  // Real directory → where it sits in the packed tree; the package itself plays the repository root.
  const places = [
    [root, ''],
    [packageDir, ''],
  ];
  const targetOf = (source) => {
    const [prefix, place] = places.filter(([real]) => source === real || source.startsWith(real + path.sep)).sort((a, b) => b[0].length - a[0].length)[0];
    return path.join(place, path.relative(prefix, source));
  };
  const visit = (fromReal, manifest) => {
    for (const dependency of runtimeDependencies(manifest)) {
      const installed = findInstalled(dependency.name, fromReal, root);
      if (!installed) {
        if (dependency.optional) continue;
        throw new Error(`${dependency.name} (needed by ${manifest.name}) is not installed: run npm install`);
      }
      const real = fs.realpathSync(installed);
      const target = targetOf(installed); // a link (workspace package) is placed where the link is
      if (real !== installed) places.push([real, target]);
      const known = found.get(target);
      if (known === real) continue;
      if (known) throw new Error(`Two packages want ${target}: ${known} and ${real}`);
      found.set(target, real);
      visit(real, readManifest(real));
    }
  };
  visit(fs.realpathSync(packageDir), readManifest(packageDir));
  return [...found].map(([target, source]) => ({ source, target }));
}

/** Copies a package without its nested node_modules (those are packages of their own in the list). */
function copyPackage(source, destination) {
  const manifest = readManifest(source);
  const isWorkspace = !source.split(path.sep).includes('node_modules');
  // A workspace package ships what it publishes ("files"), not its sources and tests.
  const entries = isWorkspace && manifest.files ? ['package.json', ...manifest.files] : fs.readdirSync(source).filter((name) => name !== 'node_modules');
  fs.mkdirSync(destination, { recursive: true });
  for (const entry of entries) {
    const from = path.join(source, entry);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(destination, entry), { recursive: true, dereference: true, filter: (file) => path.basename(file) !== 'node_modules' || path.dirname(file) !== source });
  }
}

export default async function afterPack(context) {
  const root = context.packager.projectDir;
  const engine = path.join(context.packager.getResourcesDir(context.appOutDir), 'engine');
  if (!fs.existsSync(path.join(engine, 'dist', 'main.js'))) throw new Error(`${engine}/dist/main.js is missing: build the engine first (npm run build)`);
  for (const { source, target } of productionDependencies(path.join(root, 'engine'), root)) copyPackage(source, path.join(engine, target));
}
