// @ts-check
// What each role may do (README "Roles"); the API enforces it, the pages only hide what would be refused.

/** @typedef {import('../types/app').Role} Role */

/** @param {Role | undefined} role */
export const canCreateProject = (role) => role === 'admin' || role === 'manager' || role === 'user';

/** @param {Role | undefined} role */
export const isManager = (role) => role === 'admin' || role === 'manager';

/**
 * Managers and admins change any project; users only their own; viewers none.
 * @param {{ id: number, role: Role } | null | undefined} user
 * @param {{ owner_id: number }} project
 */
export function canEditProject(user, project) {
  if (!user) return false;
  if (isManager(user.role)) return true;
  return user.role === 'user' && project.owner_id === user.id;
}

/** @param {Role | undefined} role */
export const canDeleteProject = (role) => isManager(role);
