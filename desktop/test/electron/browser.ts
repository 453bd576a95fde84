// The browser of every browser test, shared with e2e/.
export { launchBrowser, screenshot } from '../../../e2e/browser.js';
