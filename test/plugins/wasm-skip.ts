// The WASM toolchain (@bytecodealliance/jco) is an optional dependency: an offline install may
// lack it. Then the WASM tests that need it are skipped with this reason instead of failing.
export const NO_WASM_TOOLCHAIN: string | false = await import('@bytecodealliance/jco').then(
  () => false,
  () => '@bytecodealliance/jco (optional dependency) is not installed',
);
