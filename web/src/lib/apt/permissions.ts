// The least role for each repository action, as the server's route specs declare them
// (src/api/repository_handlers.cpp, signing_key_handlers.cpp). The dashboard hides what a role
// cannot do; the server stays the judge and its 403 message is shown if the two ever disagree.
import { roleAtLeast } from '../roles';
import type { Role } from '../types';

export const APT_ACTIONS = {
  createRepo: 'operator',
  deleteRepo: 'owner',
  editRetention: 'operator',
  upload: 'operator',
  deletePackage: 'operator',
  copyPackage: 'operator',
  publish: 'operator',
  createSnapshot: 'operator',
  deleteSnapshot: 'operator',
  manageCredentials: 'operator',
  rotateKey: 'owner',
} as const satisfies Record<string, Role>;

export type AptAction = keyof typeof APT_ACTIONS;

export function aptCan(role: Role | null | undefined, action: AptAction): boolean {
  return roleAtLeast(role, APT_ACTIONS[action]);
}
