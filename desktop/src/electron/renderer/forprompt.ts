import type { ForpromptBridge } from '../bridge.js';

declare global {
  interface Window {
    /** The preload's bridge to the manager (desktop/src/electron/preload.ts). */
    forprompt: ForpromptBridge;
  }
}

/** Read at call time, so a page (or a test's init script) can provide it before the app renders. */
export function forprompt(): ForpromptBridge {
  return window.forprompt;
}
