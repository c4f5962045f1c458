/**
 * `infrarust/sdk/testing`: the plugin test kit (`testContext`, `testPlayer`) and the WASM guest
 * test kit (`loadGuest`).
 */
export * from './plugin-test-kit.ts';
export * from './guest-test-kit.ts';
