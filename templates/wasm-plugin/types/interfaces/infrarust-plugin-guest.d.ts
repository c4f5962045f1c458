/// <reference path="./infrarust-plugin-types.d.ts" />
declare module 'infrarust:plugin/guest@0.1.0' {
  export function metadata(): PluginMetadata;
  /**
   * Register listeners, commands and tasks here (top-level code runs at build time).
   */
  export function onEnable(): void;
  export function onDisable(): void;
  export function onEvent(listener: bigint, event: Event): EventOutcome;
  /**
   * `sender` is the player's name, or none for the console. Returns the reply lines.
   */
  export function onCommand(name: string, args: Array<string>, sender: string | undefined): Array<string>;
  export function onTask(task: bigint): void;
  export type Event = import('infrarust:plugin/types@0.1.0').Event;
  export type EventOutcome = import('infrarust:plugin/types@0.1.0').EventOutcome;
  export interface PluginMetadata {
    id: string,
    version: string,
  }
}
