import * as z from 'zod';
import * as users from '../../services/users.ts';
import { route } from '../router.ts';
import { idParam, pageOf, pagination } from '../schemas/common.ts';
import { passwordBody, profilePatch, roleBody, settingsBody, settingsResponse, tokenResponse, userResponse } from '../schemas/users.ts';

export const userRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/users/me',
    summary: 'The signed-in user',
    tag: 'users',
    access: 'viewer',
    response: userResponse,
    handler: ({ ctx, actor }) => users.getMe(ctx, actor),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/users/me',
    summary: 'Update name, profile image or phone',
    tag: 'users',
    access: 'viewer',
    body: profilePatch,
    response: userResponse,
    handler: ({ ctx, actor, body }) => users.updateMe(ctx, actor, body),
  }),
  route({
    method: 'GET',
    path: '/api/v1/users/me/settings',
    summary: 'Theme, language, time zone and email notifications',
    tag: 'users',
    access: 'viewer',
    response: settingsResponse,
    handler: ({ ctx, actor }) => users.getSettings(ctx, actor),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/users/me/settings',
    summary: 'Replace the settings (omitted ones return to their defaults)',
    tag: 'users',
    access: 'viewer',
    body: settingsBody,
    response: settingsResponse,
    handler: ({ ctx, actor, body }) => users.putSettings(ctx, actor, body),
  }),
  route({
    method: 'POST',
    path: '/api/v1/users/me/password',
    summary: 'Change the password (the current password is required); ends every other session and returns a new token',
    tag: 'users',
    access: 'viewer',
    body: passwordBody,
    response: tokenResponse.extend({ detail: z.string() }),
    handler: async ({ ctx, actor, body }) => ({ detail: 'password changed', ...(await users.changePassword(ctx, actor, body)) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/users',
    summary: 'All users (admin)',
    tag: 'users',
    access: 'admin',
    query: z.object(pagination),
    response: pageOf(userResponse),
    handler: ({ ctx, query }) => users.listAllUsers(ctx, query.page, query.size),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/users/{id}/role',
    summary: "Change a user's role (admin; not your own)",
    tag: 'users',
    access: 'admin',
    params: idParam,
    body: roleBody,
    response: userResponse,
    handler: ({ ctx, actor, params, body }) => users.changeRole(ctx, actor, params.id, body.role),
  }),
];
