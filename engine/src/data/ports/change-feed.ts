/** A change notification: `topic` names what changed (e.g. `prompt`), `data` which one. */
export interface Change {
  topic: string;
  data: Record<string, unknown>;
}

export type ChangeListener = (change: Change) => void;

/**
 * Cache invalidation across engine replicas. Delivery is at-most-once: after a reconnect listeners get
 * `{ topic: '*', data: { reason: 'reconnected' } }` and must drop everything they cached.
 */
export interface ChangeFeed {
  /** False while the listening connection is down (changes may be missed meanwhile). */
  readonly connected: boolean;
  publish(change: Change): Promise<void>;
  /** Resolves once the listener is active; returns a function that removes it. */
  subscribe(listener: ChangeListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
