/// <reference path="./infrarust-plugin-types.d.ts" />
declare module 'infrarust:plugin/player-read@0.1.0' {
  /**
   * Every player the proxy knows (sdk `ctx.proxy.players()`).
   */
  export function all(): Array<Player>;
  /**
   * By name (case-insensitive) or UUID (sdk `ctx.proxy.player(query)`).
   */
  export function find(query: string): Player | undefined;
  export type Player = import('infrarust:plugin/types@0.1.0').Player;
}
