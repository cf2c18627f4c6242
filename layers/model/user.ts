// Roles, least to most: every floor (the users table, tokens, the router's RBAC) uses this list.

export const roles = ['viewer', 'user', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

export const roleRank = (r: Role): number => roles.indexOf(r);

/** The languages of the user setting, the notifications and the API's messages. */
export const languages = ['ko', 'en'] as const;
export type Language = (typeof languages)[number];
