// Starts a real, throw-away redis-server for a test file: free port, its own temp dir, AOF on by default (so
// a test can kill it and restart it on the same data to prove nothing accepted is lost). Every test that
// needs Redis uses this one helper, a thin re-export of the launcher the demo uses (server/src/redis).
export {
  freePort,
  type RedisServerHandle,
  type RedisServerOptions,
  startRedisServer,
} from '../../server/src/redis/redis-server.js';
