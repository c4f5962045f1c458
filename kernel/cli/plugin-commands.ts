/**
 * `infrarust plugin new NAME` (copies templates/native-plugin/ into the plugins dir) and
 * `infrarust plugin list` (discovered plugins with version, source and state).
 */
import { cp, readdir, readFile, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLUGIN_ID_PATTERN } from '../../sdk/plugin.ts';
import { InfrarustError } from '../errors.ts';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/native-plugin', import.meta.url));

/** Creates `<pluginsDir>/<name>` from the template; returns the new folder. */
export async function scaffoldPlugin(name: string, pluginsDir: string): Promise<string> {
  if (!PLUGIN_ID_PATTERN.test(name)) {
    throw new InfrarustError('IR_ERR_PLUGIN_SCAFFOLD', `"${name}" is not a valid plugin id: use lowercase letters, digits, - and _, starting with a letter (at most 64)`);
  }
  const target = join(pluginsDir, name);
  if (await stat(target).then(() => true, () => false)) {
    throw new InfrarustError('IR_ERR_PLUGIN_SCAFFOLD', `${target} already exists; choose another name or remove it`);
  }
  await cp(TEMPLATE_DIR, target, { recursive: true, errorOnExist: true });
  for (const file of await readdir(target)) {
    const path = join(target, file);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replaceAll('__PLUGIN_ID__', name));
  }
  return target;
}
