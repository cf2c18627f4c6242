// Cache keys of the public status answers, shared by the status service and whoever changes what they show.
export const STATUS_LIST_KEY = 'status:list:v1';
export const statusDetailKey = (projectId: number): string => `status:detail:v1:${projectId}`;
