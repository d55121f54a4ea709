// Origin and Host checks. A browser on another site can open a WebSocket to the API or send it a
// form-style POST (Apollo's CSRF prevention covers only HTTP GraphQL requests); it always sends the
// page's Origin, so WebSocket upgrades and state-changing HTTP requests are checked against an
// allow-list (default: the service's own origin). In open mode the Host header must also be one
// of the configured names, so a DNS-rebound name cannot reach a loopback service. CORS stays closed:
// no Access-Control-Allow-* header is ever sent unless configured elsewhere.
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface OriginPolicy {
  /** Exact origins (scheme://host[:port], lower case) browsers may call from. */
  readonly allowedOrigins: readonly string[];
  /** Host header values (name[:port], lower case) accepted; undefined: any (keys mode). */
  readonly allowedHosts?: readonly string[];
}

export type OriginProblem = { readonly code: 'FORBIDDEN_ORIGIN' | 'FORBIDDEN_HOST'; readonly message: string };

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function loopbackNames(host: string): string[] {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '0.0.0.0' || host === '::'
    ? ['localhost', '127.0.0.1', '[::1]']
    : [];
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The default policy for a service listening on host:port: its own origins (http and https, the
 * listen name and, for loopback or wildcard addresses, localhost/127.0.0.1/[::1]) plus `extraOrigins`
 * (NEGMINE_ALLOWED_ORIGINS); Hosts checked only in open mode (plus `extraHosts`).
 */
export function defaultOriginPolicy(options: {
  host: string;
  port: number;
  openMode: boolean;
  extraOrigins?: readonly string[];
  extraHosts?: readonly string[];
}): OriginPolicy {
  const names = [
    ...new Set([
      ...(options.host === '0.0.0.0' || options.host === '::' ? [] : [hostForUrl(options.host.toLowerCase())]),
      ...loopbackNames(options.host),
    ]),
  ];
  const withPort = names.map((name) => `${name}:${options.port}`);
  const origins = withPort.flatMap((hostPort) => [`http://${hostPort}`, `https://${hostPort}`]);
  return {
    allowedOrigins: [
      ...origins,
      ...(options.extraOrigins ?? []).map((origin) => origin.toLowerCase().replace(/\/+$/, '')),
    ],
    ...(options.openMode
      ? { allowedHosts: [...withPort, ...names, ...(options.extraHosts ?? []).map((host) => host.toLowerCase())] }
      : {}),
  };
}

/** A problem with the Origin header, if any: absent is fine (not a browser), `null` and unlisted origins are not. */
export function originProblem(origin: string | undefined, policy: OriginPolicy): OriginProblem | undefined {
  if (origin === undefined) return undefined;
  const normalised = origin.toLowerCase().replace(/\/+$/, '');
  if (policy.allowedOrigins.includes(normalised)) return undefined;
  return {
    code: 'FORBIDDEN_ORIGIN',
    message: `requests from the origin '${origin.slice(0, 100)}' are not allowed; allowed: the service's own origin and NEGMINE_ALLOWED_ORIGINS`,
  };
}

/** A problem with the Host header, if the policy checks it (open mode). */
export function hostProblem(host: string | undefined, policy: OriginPolicy): OriginProblem | undefined {
  if (policy.allowedHosts === undefined) return undefined;
  if (host !== undefined && policy.allowedHosts.includes(host.toLowerCase())) return undefined;
  return {
    code: 'FORBIDDEN_HOST',
    message: `the Host '${(host ?? '').slice(0, 100)}' is not one of this service's names; use localhost, 127.0.0.1 or a name in NEGMINE_ALLOWED_HOSTS`,
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The check of a WebSocket upgrade (Origin always, Host in open mode): for ws's `verifyClient` or an upgrade handler. */
export function upgradeProblem(req: Pick<IncomingMessage, 'headers'>, policy: OriginPolicy): OriginProblem | undefined {
  return hostProblem(header(req.headers.host), policy) ?? originProblem(header(req.headers.origin), policy);
}

/** Express middleware: Host on every request (open mode), Origin on state-changing ones; 403 JSON otherwise. */
export function originGuard(policy: OriginPolicy): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const problem =
      hostProblem(header(req.headers.host), policy) ??
      (STATE_CHANGING.has(req.method) ? originProblem(header(req.headers.origin), policy) : undefined);
    if (problem === undefined) {
      next();
      return;
    }
    res.status(403).json({ errors: [{ message: problem.message, extensions: { code: problem.code } }] });
  };
}
