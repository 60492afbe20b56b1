// The coordinator's dialing service: the one entry point the HTTP/WS layer uses.
export {
  createDialerService,
  type DialerServiceDeps,
  type DialerServiceRuntime,
  type TabRefreshReport,
} from './dialer-service.js';
