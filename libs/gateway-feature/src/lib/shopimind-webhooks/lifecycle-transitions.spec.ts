import type { InstallationStatus } from '@storebridge/persistence';
import type { LifecycleEventName } from './dto/lifecycle-event.dto';
import { lifecycleTransition, type LifecycleTransition } from './lifecycle-transitions';

const apply: LifecycleTransition = { kind: 'apply' };
const done: LifecycleTransition = { kind: 'already_done' };
const unknown: LifecycleTransition = { kind: 'refuse', error: 'unknown_installation' };
const gone: LifecycleTransition = { kind: 'refuse', error: 'installation_uninstalled' };

describe('lifecycleTransition', () => {
  it.each<[InstallationStatus | undefined, LifecycleEventName, LifecycleTransition]>([
    [undefined, 'install', apply],
    [undefined, 'activate', unknown],
    [undefined, 'config_updated', unknown],
    [undefined, 'deactivate', unknown],
    [undefined, 'uninstall', unknown],
    ['installed', 'install', apply],
    ['installed', 'activate', apply],
    ['installed', 'config_updated', apply],
    ['installed', 'deactivate', done],
    ['installed', 'uninstall', apply],
    ['active', 'activate', apply],
    ['active', 'config_updated', apply],
    ['active', 'deactivate', apply],
    ['active', 'uninstall', apply],
    ['inactive', 'activate', apply],
    ['inactive', 'deactivate', done],
    ['inactive', 'uninstall', apply],
    // A reinstall: the shop installs the integration again (shopimind.md §2, issue #16).
    ['uninstalled', 'install', apply],
    ['uninstalled', 'activate', gone],
    ['uninstalled', 'config_updated', gone],
    ['uninstalled', 'deactivate', gone],
    ['uninstalled', 'uninstall', done],
  ])('%s + %s → %j', (status, event, expected) => {
    expect(lifecycleTransition(status, event)).toEqual(expected);
  });
});
