import { useState } from 'react';
import type { DoctorCheckView, StatusView } from '../../bridge.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { TaskCard } from '../components/TaskCard.js';
import { forprompt } from '../forprompt.js';
import { useRunning } from '../hooks.js';

function EngineSummary({ status, onError }: { status: StatusView; onError: (error: Error) => void }) {
  const { engine } = status;
  const busy = useRunning('up', 'down', 'restore').length > 0;
  return (
    <section className="panel">
      <h2>ForPrompt</h2>
      <p className="status-line">
        <span className={`badge badge-${engine.state}`}>{engine.state}</span>
        {engine.state === 'stopped' ? <span className="muted">{engine.reason}</span> : <span>{engine.url} · v{engine.version}</span>}
      </p>
      {engine.state !== 'stopped' && engine.detail && <p className="muted">{engine.detail}</p>}
      <div className="actions">
        {engine.state === 'stopped' ? (
          <button type="button" className="primary" disabled={busy} onClick={() => void forprompt().up().catch(onError)}>
            Start
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => void forprompt().down().catch(onError)}>
            Stop
          </button>
        )}
        <button type="button" disabled={engine.state !== 'running'} onClick={() => void forprompt().openDashboard().catch(onError)}>
          Open dashboard
        </button>
      </div>
    </section>
  );
}

/** Where the data lives; says plainly when the embedded database stands in for missing containers. */
export function DatabaseSummary({ status }: { status: StatusView }) {
  return (
    <section className="panel">
      <h2>Database</h2>
      {status.database === 'embedded' && status.databaseChoice !== 'embedded' && (
        <div className="notice" data-testid="embedded-fallback">
          <strong>No container engine was found, so ForPrompt uses its embedded PostgreSQL database.</strong>
          {status.databaseReason && <p>Why: {status.databaseReason}</p>}
          <p>Your data is safe there. To run PostgreSQL in a container instead, start Docker or Podman, then stop and start ForPrompt; to keep the embedded database, choose it in Settings.</p>
        </div>
      )}
      {status.database === 'embedded' && status.databaseChoice === 'embedded' && <p>Embedded PostgreSQL, as chosen in Settings.</p>}
      {status.database === 'external' && <p>An external PostgreSQL server (Settings).</p>}
      {status.database === 'container' && status.stack && (
        <>
          <p>
            Containers of the stack <strong>{status.stack.name}</strong>: {status.stack.healthy ? 'all healthy' : 'not all healthy'}.
          </p>
          <table>
            <thead>
              <tr>
                <th>Service</th>
                <th>Container</th>
                <th>State</th>
                <th>Port</th>
                <th>Image</th>
              </tr>
            </thead>
            <tbody>
              {status.stack.services.map((service) => (
                <tr key={service.service}>
                  <td>{service.service}</td>
                  <td>{service.container}</td>
                  <td>
                    {service.state}
                    {service.health !== 'none' ? `, ${service.health}` : ''}
                  </td>
                  <td>{service.hostPort ? `127.0.0.1:${service.hostPort}` : '—'}</td>
                  <td className="muted">{service.image}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Doctor() {
  const [checks, setChecks] = useState<DoctorCheckView[]>();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error>();
  const run = () => {
    setRunning(true);
    setError(undefined);
    forprompt()
      .runDoctor()
      .then(setChecks, setError)
      .finally(() => setRunning(false));
  };
  return (
    <section className="panel">
      <h2>Checks</h2>
      <p className="muted">Container engine, ports, database, Ollama, engine, disk space and CORS, each with a fix when it fails.</p>
      <button type="button" onClick={run} disabled={running}>
        {running ? 'Checking…' : 'Run checks'}
      </button>
      <ErrorNotice error={error} />
      {checks && (
        <ul className="checks">
          {checks.map((check) => (
            <li key={check.name} data-status={check.status}>
              <span className={`badge badge-${check.status}`}>{check.status}</span> <strong>{check.name}</strong>: {check.detail}
              {check.hint && check.status !== 'pass' && <div className="muted">{check.hint}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function StatusPage({ status, error }: { status: StatusView | undefined; error: Error | undefined }) {
  const [actionError, setActionError] = useState<Error>();
  const running = useRunning('up', 'down', 'restore', 'backup', 'update', 'model-pull');
  return (
    <>
      <h1>Status</h1>
      <ErrorNotice error={error ?? actionError} />
      {running.map((task) => (
        <TaskCard key={task.id} task={task} />
      ))}
      {status ? (
        <>
          <EngineSummary status={status} onError={setActionError} />
          <DatabaseSummary status={status} />
        </>
      ) : (
        !error && <p className="muted">Looking for the engine and the database…</p>
      )}
      <Doctor />
    </>
  );
}
