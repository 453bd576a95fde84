import { formatDateTime, formatRelative } from '../app/format';
import type { ApiKey } from './api';

/** Active, expiring (with when), expired or revoked. */
export function ApiKeyStatus({ apiKey }: { apiKey: ApiKey }) {
  switch (apiKey.status) {
    case 'active':
      return <span className="badge badge--ok">Active</span>;
    case 'expiring':
      return (
        <span className="badge badge--warn" title={apiKey.expiresAt ? formatDateTime(apiKey.expiresAt) : undefined}>
          Expires {apiKey.expiresAt ? formatRelative(apiKey.expiresAt) : ''}
        </span>
      );
    case 'expired':
      return <span className="badge badge--error">Expired</span>;
    case 'revoked':
      return <span className="badge">Revoked</span>;
  }
}
