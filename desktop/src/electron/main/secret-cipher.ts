import type { SafeStorage } from 'electron';
import type { SecretCipher } from '../../core/secrets.js';

/** Seals the manager's secrets with the OS keychain (safeStorage), when this machine offers one. */
export function safeStorageCipher(safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>): SecretCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    name: 'electron-safe-storage',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}
