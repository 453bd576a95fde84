/** The Electron main process entry (electron-builder.yml: extraMetadata.main). */
import { startApp } from './app.js';

void startApp();
