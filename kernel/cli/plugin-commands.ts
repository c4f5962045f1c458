/**
 * `infrarust plugin new NAME` (copies templates/native-plugin/ into the plugins dir) and
 * `infrarust plugin list` (discovered plugins with version, source and state).
 */
import { cp, mkdir, readdir, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { guestTypes, optInCapabilities } from './wasm-toolchain.ts';
import { fileURLToPath } from 'node:url';
import { PLUGIN_ID_PATTERN } from '../../sdk/plugin.ts';
import { InfrarustError } from '../errors.ts';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/native-plugin', import.meta.url));
export const WASM_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/wasm-plugin', import.meta.url));

/** Creates `<pluginsDir>/<name>` from the template; returns the new folder. */
export async function scaffoldPlugin(name: string, pluginsDir: string, template = TEMPLATE_DIR): Promise<string> {
  if (!PLUGIN_ID_PATTERN.test(name)) {
    throw new InfrarustError('IR_ERR_PLUGIN_SCAFFOLD', `"${name}" is not a valid plugin id: use lowercase letters, digits, - and _, starting with a letter (at most 64)`);
  }
  const target = join(pluginsDir, name);
  if (await stat(target).then(() => true, () => false)) {
    throw new InfrarustError('IR_ERR_PLUGIN_SCAFFOLD', `${target} already exists; choose another name or remove it`);
  }
  await cp(template, target, { recursive: true, errorOnExist: true });
  for (const entry of await readdir(target, { withFileTypes: true })) {
    if (!entry.isFile()) continue; // types/ (WASM template) is regenerated, not templated
    const path = join(target, entry.name);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replaceAll('__PLUGIN_ID__', name));
  }
  return target;
}

/**
 * `plugin new NAME --wasm`: the TypeScript guest template plus `types/`, its typed bindings
 * generated from the WIT world (jco guest-types) for the capabilities in its plugin.json.
 */
export async function scaffoldWasmPlugin(name: string, pluginsDir: string): Promise<string> {
  const target = await scaffoldPlugin(name, pluginsDir, WASM_TEMPLATE_DIR);
  const manifest = JSON.parse(await readFile(join(target, 'plugin.json'), 'utf8')) as { capabilities?: string[] };
  await writeGuestTypes(target, optInCapabilities(manifest.capabilities));
  return target;
}

/** (Re)writes `<dir>/types/`: the typed bindings of the guest's world for these opt-ins. */
export async function writeGuestTypes(dir: string, optIns: readonly string[]): Promise<void> {
  const files = await guestTypes(optIns);
  await rm(join(dir, 'types'), { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, 'types', file)), { recursive: true });
    await writeFile(join(dir, 'types', file), content);
  }
}
