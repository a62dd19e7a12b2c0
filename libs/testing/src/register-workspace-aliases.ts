import { join } from 'node:path';
import { loadConfig, register } from 'tsconfig-paths';

/**
 * Jest loads global setup and teardown outside its module system, so neither its resolver nor
 * `moduleNameMapper` applies there: importing this module first registers the workspace's `@storebridge/*`
 * path aliases (from tsconfig.base.json) for everything imported after it.
 */
const config = loadConfig(join(__dirname, '..', '..', '..', 'tsconfig.base.json'));
if (config.resultType === 'failed') {
  throw new Error(`Cannot load the workspace path aliases: ${config.message}`);
}
register({ baseUrl: config.absoluteBaseUrl, paths: config.paths, addMatchAll: false });
