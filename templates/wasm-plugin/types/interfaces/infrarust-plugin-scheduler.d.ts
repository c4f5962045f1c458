declare module 'infrarust:plugin/scheduler@0.1.0' {
  export function delay(ms: number): bigint;
  export function interval(ms: number): bigint;
  export function cancel(task: bigint): boolean;
}
