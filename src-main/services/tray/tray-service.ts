// Renders the tray view (tray-model.ts) onto an Electron Tray created through an injected factory (Signal's
// `createTrayInstance`, so tests pass a fake). After every change it calls setImage, setToolTip AND
// setContextMenu again: Linux AppIndicator only picks up menu changes from a fresh setContextMenu
// (https://www.electronjs.org/docs/latest/api/tray, "Platform Considerations").
import type { AppStatus } from '../../../src-shared/contracts/ipc.js';
import {
  INITIAL_TRAY_STATE,
  renderTray,
  sameView,
  type TrayMenuId,
  type TrayMenuItem,
  type TrayModelState,
  type TrayView,
  trayReducer,
} from './tray-model.js';

export interface TrayLike<Menu> {
  setImage(iconPath: string): void;
  setToolTip(text: string): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export type TrayServiceOptions<Menu> = Readonly<{
  /** For testing: builds the OS tray for the first icon. */
  createTrayInstance: (iconPath: string) => TrayLike<Menu>;
  /** Builds the native menu from the model; `onClick` receives the item id. */
  buildMenu: (items: readonly TrayMenuItem[], onClick: (id: TrayMenuId) => void) => Menu;
  iconPath: (iconName: string) => string;
  onCommand: (id: TrayMenuId) => void;
}>;

export class TrayService<Menu> {
  readonly #options: TrayServiceOptions<Menu>;
  #state: TrayModelState = INITIAL_TRAY_STATE;
  #tray: TrayLike<Menu> | null = null;
  #shown: TrayView | null = null;

  constructor(options: TrayServiceOptions<Menu>) {
    this.#options = options;
  }

  start(): void {
    const view = renderTray(this.#state);
    this.#tray = this.#options.createTrayInstance(this.#options.iconPath(view.icon));
    // Windows and macOS: a left click opens the window (AppIndicator ignores clicks; the menu has "Open").
    this.#tray.on('click', () => this.#options.onCommand('SHOW'));
    this.#render(view);
  }

  setStatus(status: AppStatus): void {
    this.#update(trayReducer(this.#state, { type: 'status', status }));
  }

  setOnline(online: boolean): void {
    this.#update(trayReducer(this.#state, { type: 'connectivity', online }));
  }

  get view(): TrayView | null {
    return this.#shown;
  }

  dispose(): void {
    this.#tray?.destroy();
    this.#tray = null;
  }

  #update(next: TrayModelState): void {
    this.#state = next;
    const view = renderTray(next);
    if (!sameView(this.#shown, view)) this.#render(view);
  }

  #render(view: TrayView): void {
    const tray = this.#tray;
    if (!tray) return;
    tray.setImage(this.#options.iconPath(view.icon));
    tray.setToolTip(view.tooltip);
    tray.setContextMenu(this.#options.buildMenu(view.menu, (id) => this.#options.onCommand(id)));
    this.#shown = view;
  }
}
