import type { InstallationStatus } from '@storebridge/persistence';
import type { LifecycleEventName } from './dto/lifecycle-event.dto';

/**
 * What an event does to an installation in a given state (shopimind.md §2):
 * installed → active ⇄ inactive → uninstalled → (install again) installed. `already_done` answers success
 * without touching anything, which is how a retried event stays harmless.
 */
export type LifecycleTransition =
  | { kind: 'apply' }
  | { kind: 'already_done' }
  | { kind: 'refuse'; error: 'unknown_installation' | 'installation_uninstalled' };

const APPLY = { kind: 'apply' } as const;
const ALREADY_DONE = { kind: 'already_done' } as const;

export function lifecycleTransition(
  status: InstallationStatus | undefined,
  event: LifecycleEventName,
): LifecycleTransition {
  if (status === undefined) {
    return event === 'install' ? APPLY : { kind: 'refuse', error: 'unknown_installation' };
  }
  if (status === 'uninstalled') {
    // The key is revoked forever, so nothing but a new install (a reinstall of the shop) brings it back; the
    // uninstall's own retry is answered as done.
    switch (event) {
      case 'install':
        return APPLY;
      case 'uninstall':
        return ALREADY_DONE;
      case 'activate':
      case 'config_updated':
      case 'deactivate':
        return { kind: 'refuse', error: 'installation_uninstalled' };
    }
  }
  switch (event) {
    case 'install':
    case 'activate':
    case 'config_updated':
    case 'uninstall':
      return APPLY;
    case 'deactivate':
      return status === 'active' ? APPLY : ALREADY_DONE;
  }
}
