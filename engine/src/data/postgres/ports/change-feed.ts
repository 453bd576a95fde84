import pg from 'pg';
import type { Logger } from '../../../logger.js';
import type { Change, ChangeFeed, ChangeListener } from '../../ports/change-feed.js';

export const CHANGE_CHANNEL = 'forprompt_changes';
const CHANNEL = CHANGE_CHANNEL;
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;

/**
 * LISTEN/NOTIFY on one dedicated connection, opened on the first subscription. Notifications sent
 * inside a transaction arrive only if it commits. After a lost connection it reconnects with backoff
 * and tells listeners to drop what they cached, since notifications may have been missed meanwhile.
 */
export class PostgresChangeFeed implements ChangeFeed {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly listeners = new Set<ChangeListener>();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  get connected(): boolean {
    return this.client !== null;
  }

  async publish(change: Change): Promise<void> {
    const payload = JSON.stringify(change);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw new Error(`Change notification for "${change.topic}" is too large (${Buffer.byteLength(payload)} bytes)`);
    }
    await this.pool.query('select pg_notify($1, $2)', [CHANNEL, payload]);
  }

  async subscribe(listener: ChangeListener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    try {
      await this.ensureListening();
    } catch (error) {
      this.listeners.delete(listener);
      throw error;
    }
    return async () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) await this.disconnect();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.disconnect(true);
  }

  private async ensureListening(): Promise<void> {
    if (this.client) return;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
  }

  private async connect(): Promise<void> {
    // keepAlive: a half-open connection (server gone without a FIN) would otherwise never be noticed.
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'forprompt-change-feed', keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.dispatch(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'Change feed connection failed');
      this.handleLostConnection(client);
    });
    client.on('end', () => this.handleLostConnection(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.client = client;
  }

  /** Changes committed by this engine: delivered to its own listeners at once. */
  emitLocal(changes: Change[]): void {
    for (const change of changes) this.emit(change);
  }

  private dispatch(payload: string): void {
    let change: Change;
    try {
      change = JSON.parse(payload) as Change;
    } catch {
      this.logger.warn('Ignoring a malformed change notification');
      return;
    }
    this.emit(change);
  }

  private emit(change: Change): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error({ err: error, topic: change.topic }, 'Change listener failed');
      }
    }
  }

  private handleLostConnection(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    // Whatever was cached may miss changes from now on: listeners drop it at once, not only on reconnect.
    this.emit({ topic: '*', data: { reason: 'disconnected' } });
    client.end().catch(() => {});
    if (this.closed || this.listeners.size === 0) return;
    this.scheduleReconnect(0);
  }

  private scheduleReconnect(attempt: number): void {
    if (this.reconnectTimer || this.closed) return;
    const delay = Math.min(250 * 2 ** attempt, 10_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.ensureListening().then(
        () => this.emit({ topic: '*', data: { reason: 'reconnected' } }),
        () => this.scheduleReconnect(attempt + 1),
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Ends the connection once nobody listens (unless `force`); a listener that arrived meanwhile keeps it. */
  private async disconnect(force = false): Promise<void> {
    await this.connecting?.catch(() => {});
    if (!force && this.listeners.size > 0) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
