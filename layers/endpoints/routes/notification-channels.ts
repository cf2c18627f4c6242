import * as z from 'zod';
import * as channels from '../../services/notification-channels.ts';
import { route } from '../router.ts';
import { idParam, pageOf, pagination } from '../schemas/common.ts';
import { channelBody, channelResponse, channelTestResponse } from '../schemas/notification-channels.ts';

// Managers and admins manage channels (they reach outside services with the team's credentials);
// everyone signed in may list them, with secrets masked, to pick them for a project.
export const notificationChannelRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/notification-channels',
    summary: 'Notification channels (secrets masked)',
    tag: 'notification-channels',
    access: 'viewer',
    query: z.object(pagination),
    response: pageOf(channelResponse),
    handler: ({ ctx, query }) => channels.listChannels(ctx, query.page, query.size),
  }),
  route({
    method: 'POST',
    path: '/api/v1/notification-channels',
    summary: 'Create a notification channel',
    tag: 'notification-channels',
    access: 'manager',
    body: channelBody,
    response: channelResponse,
    status: 201,
    handler: ({ ctx, actor, body }) => channels.createChannel(ctx, actor, body),
  }),
  route({
    method: 'GET',
    path: '/api/v1/notification-channels/{id}',
    summary: 'One notification channel (secrets masked)',
    tag: 'notification-channels',
    access: 'viewer',
    params: idParam,
    response: channelResponse,
    handler: ({ ctx, params }) => channels.getChannel(ctx, params.id),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/notification-channels/{id}',
    summary: 'Replace a notification channel (a secret left out, or sent back masked, keeps its value)',
    tag: 'notification-channels',
    access: 'manager',
    params: idParam,
    body: channelBody,
    response: channelResponse,
    handler: ({ ctx, params, body }) => channels.updateChannel(ctx, params.id, body),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/notification-channels/{id}',
    summary: 'Delete a notification channel (projects stop notifying it; its delivery log stays)',
    tag: 'notification-channels',
    access: 'manager',
    params: idParam,
    handler: async ({ ctx, params }) => {
      await channels.deleteChannel(ctx, params.id);
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/notification-channels/{id}/test',
    summary: 'Send a test message through the channel and report the outcome',
    tag: 'notification-channels',
    access: 'manager',
    params: idParam,
    response: channelTestResponse,
    handler: ({ ctx, actor, params }) => channels.testChannel(ctx, actor, params.id),
  }),
];
