import path from 'node:path';

/** Where the embedded server keeps everything, all under FORPROMPT_HOME. */
export interface EmbeddedPaths {
  home: string;
  dataDir: string;
  /** Generated password, chosen port and PG major version (mode 0600). */
  stateFile: string;
  logFile: string;
  /** One lease per process using the server (leases.ts). */
  leasesDir: string;
  /** Copies of the binaries for when the system user cannot reach node_modules. */
  runtimeRoot: string;
}

export function embeddedPaths(home: string): EmbeddedPaths {
  const root = path.resolve(home);
  return {
    home: root,
    dataDir: path.join(root, 'pg'),
    stateFile: path.join(root, 'embedded-pg.json'),
    logFile: path.join(root, 'logs', 'postgres.log'),
    leasesDir: path.join(root, 'pg-leases'),
    runtimeRoot: path.join(root, 'runtime'),
  };
}
