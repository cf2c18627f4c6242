// Names for the API types the pages use, taken from the generated api.d.ts.
import type { Paths } from './api';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof Paths, M extends keyof Paths[P]> = Paths[P][M];
export type ResponseOf<P extends keyof Paths, M extends keyof Paths[P]> = Op<P, M> extends { response: infer R } ? R : never;
export type BodyOf<P extends keyof Paths, M extends keyof Paths[P]> = Op<P, M> extends { body: infer B } ? B : never;
/** What a typed call may carry: the path's parameters, the query and the JSON body of that operation. */
export type CallOptions<P extends keyof Paths, M extends keyof Paths[P]> = Op<P, M> extends { params: infer Pa; query: infer Q; body: infer B }
  ? { params?: [Pa] extends [never] ? never : { [K in keyof Pa]: string | number }; query?: Q; body?: B; form?: Record<string, string>; auth?: boolean; onUnauthorized?: 'redirect' | 'throw' }
  : never;

export type User = ResponseOf<'/users/me', 'get'>;
export type Role = User['role'];
export type Settings = ResponseOf<'/users/me/settings', 'get'>;
export type Project = ResponseOf<'/projects/{id}', 'get'>;
export type ProjectBody = BodyOf<'/projects', 'post'>;
export type MonitoringSettings = ResponseOf<'/projects/{id}/monitoring-settings', 'get'>;
export type MonitoringSettingsBody = BodyOf<'/projects/{id}/monitoring-settings', 'put'>;
export type ProjectState = ResponseOf<'/projects/{id}/status', 'get'>;
export type SchedulerStatus = ResponseOf<'/scheduler/status', 'get'>;
export type Alert = ResponseOf<'/alerts/{id}', 'get'>;
export type DeletedProject = ResponseOf<'/projects/deleted', 'get'>['items'][number];
export type DashboardProject = ResponseOf<'/dashboard/projects', 'get'>['items'][number];
export type DashboardStats = ResponseOf<'/dashboard/stats', 'get'>;
export type DashboardChart = ResponseOf<'/charts/dashboard', 'get'>;
export type SlaReport = ResponseOf<'/projects/{id}/reports/sla', 'get'>;
