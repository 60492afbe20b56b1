// Preload (sandboxed, bundled to CommonJS): exposes exactly the contract-derived DesktopBridge on
// `window.turboDesktop`; the page never sees ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopBridge } from './bridge.js';

contextBridge.exposeInMainWorld('turboDesktop', createDesktopBridge(ipcRenderer));
