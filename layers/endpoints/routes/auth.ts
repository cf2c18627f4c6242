import * as auth from '../../services/auth.ts';
import { route } from '../router.ts';
import { loginBody, registerBody, tokenResponse, userResponse } from '../schemas/users.ts';

export const authRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/auth/register',
    summary: 'Create an account (the first account of an installation becomes admin)',
    tag: 'auth',
    access: 'public',
    body: registerBody,
    response: userResponse,
    status: 201,
    handler: ({ ctx, body, ip }) => auth.register(ctx, body, ip),
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/login',
    summary: 'OAuth2 password flow (form: username, password) or JSON {email, password}; returns a bearer token',
    tag: 'auth',
    access: 'public',
    body: loginBody,
    response: tokenResponse,
    handler: ({ ctx, body, ip }) => auth.login(ctx, body, ip),
  }),
];
