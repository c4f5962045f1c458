declare module 'infrarust:plugin/commands@0.1.0' {
  export function register(spec: CommandSpec): void;
  export function unregister(name: string): boolean;
  export interface CommandSpec {
    name: string,
    aliases: Array<string>,
    description?: string,
    usage?: string,
    permission?: string,
  }
}
