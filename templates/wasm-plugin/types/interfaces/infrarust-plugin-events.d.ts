declare module 'infrarust:plugin/events@0.1.0' {
  export function subscribe(eventName: string, priority: number): bigint;
  export function unsubscribe(listener: bigint): boolean;
}
