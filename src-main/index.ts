// Electron main entry: wiring only (Mattermost's small index.ts). Everything lives in app/initialize.ts
// and the services it composes.
import { initialize } from './app/initialize.js';

initialize();
