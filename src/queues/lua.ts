// Lua scripts run by SHA1: the script text travels to Redis once per server, not with every
// call (the frontier and the politeness limiter run one or two per page).
import { createHash } from 'node:crypto';

export interface LuaScript {
  lua: string;
  sha: string;
}

/** The subset of an ioredis client the scripts need (a Redis or a Cluster). */
export interface ScriptRedis {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(lua: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export const luaScript = (lua: string): LuaScript => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

/** EVALSHA, falling back to EVAL once when the server does not have the script cached. */
export async function runScript(redis: ScriptRedis, s: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error)?.message ?? '').includes('NOSCRIPT')) throw err;
    return redis.eval(s.lua, keys.length, ...keys, ...args);
  }
}
