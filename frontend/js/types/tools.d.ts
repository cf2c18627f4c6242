// What the tools endpoints answer (POST /api/v1/tools/{name}). Their routes declare no response schema
// yet, so the fields are all optional here and the page renders whatever is present.
export interface ToolResult {
  checked_at?: string;
  response_time?: number | null;
  error_kind?: string | null;
  error_message?: string | null;
  // http, content, api, security-headers
  url?: string;
  is_available?: boolean;
  status_code?: number | null;
  final_url?: string | null;
  resolved_ip?: string | null;
  redirect_count?: number;
  content_type?: string | null;
  body_size?: number | null;
  attempts?: number;
  tls?: { protocol?: string; version?: string; cipher?: string | { name?: string } } | null;
  redirects?: { status_code?: number; status?: number; url?: string; location?: string }[];
  timings?: Partial<Record<'dns' | 'connect' | 'tls' | 'ttfb' | 'transfer' | 'total', number | null>> | null;
  headers?: Record<string, string | string[] | SecurityHeader>;
  // tcp, udp, ssl
  host?: string;
  port?: number;
  state?: string;
  is_open?: boolean;
  is_filtered?: boolean;
  response_size?: number | null;
  // dns
  domain?: string;
  record_type?: string;
  resolved?: boolean;
  rcode?: string | null;
  server?: string | null;
  ttl?: number | null;
  records?: { type: string; name: string; ttl: number; value: string }[];
  // content
  content_found?: boolean;
  expected_content?: string;
  // security-headers
  score?: number | null;
  grade?: string | null;
  // `message` is in the reader's language (the API writes it from `api.finding.<code>` with `params`)
  findings?: { severity: string; header: string; code?: string; params?: Record<string, string | number>; message: string }[];
  // api
  is_valid?: boolean;
  expected_status?: number | null;
  status_ok?: boolean;
  assertions?: { passed: boolean; path: string; operator: string; expected?: unknown; actual?: unknown; message?: string }[];
  response_body?: string | null;
  response_truncated?: boolean;
  // ssl
  warning?: boolean;
  warning_message?: string | null;
  issuer?: string | null;
  subject?: string | null;
  san?: string[] | null;
  valid_from?: string | null;
  expires_at?: string | null;
  days_remaining?: number | null;
  tls_version?: string | null;
  invalid_reason?: string | null;
  authorization_error?: string | null;
  fingerprint256?: string | null;
  // domain
  registrar?: string | null;
  registered_at?: string | null;
  source?: string | null;
  cached?: boolean;
}

export interface SecurityHeader {
  present: boolean;
  value: string | null;
  score: number;
  max_score: number;
}
