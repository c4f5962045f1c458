declare module 'infrarust:plugin/config-read@0.1.0' {
  /**
   * The table as JSON (host keys such as `permissions` removed).
   */
  export function config(): string;
}
