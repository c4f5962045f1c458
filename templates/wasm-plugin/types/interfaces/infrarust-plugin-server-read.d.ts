/// <reference path="./infrarust-plugin-types.d.ts" />
declare module 'infrarust:plugin/server-read@0.1.0' {
  /**
   * sdk `ctx.proxy.servers()`.
   */
  export function all(): Array<Server>;
  export type Server = import('infrarust:plugin/types@0.1.0').Server;
}
