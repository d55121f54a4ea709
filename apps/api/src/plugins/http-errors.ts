// HTTP-level errors as JSON with a code, never express's HTML pages or stack traces: bodies that are
// not JSON (400 INVALID_JSON), too large (413 PAYLOAD_TOO_LARGE), in an unsupported encoding or
// charset (415), unknown routes (404 NOT_FOUND) and anything unexpected (500, logged, masked).
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';

export interface HttpErrorBody {
  readonly errors: readonly [
    { readonly message: string; readonly extensions: { readonly code: string } & Record<string, unknown> },
  ];
}

export function httpErrorBody(code: string, message: string, extra: Record<string, unknown> = {}): HttpErrorBody {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}

/** The JSON body parser with the configured size limit (strict: objects and arrays only). */
export function jsonBody(maxBytes: number): RequestHandler {
  return express.json({ limit: maxBytes, strict: true });
}

interface BodyParserError {
  readonly type?: string;
  readonly status?: number;
  readonly limit?: number;
}

/** Maps a thrown error to a status, code and bounded message; undefined for an unexpected error. */
export function describeHttpError(
  error: unknown,
  maxBytes?: number,
): { status: number; code: string; message: string } | undefined {
  const parserError = error as BodyParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'INVALID_JSON', message: 'the request body is not valid JSON' };
    case 'entity.too.large':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `the request body is larger than ${parserError.limit ?? maxBytes ?? 'the limit of'} bytes`,
      };
    case 'encoding.unsupported':
      return {
        status: 415,
        code: 'UNSUPPORTED_ENCODING',
        message: 'the request body encoding is not supported; accepted: identity, gzip, deflate, br',
      };
    case 'charset.unsupported':
      return {
        status: 415,
        code: 'UNSUPPORTED_CHARSET',
        message: 'the request body charset is not supported; send UTF-8 JSON',
      };
    case 'request.aborted':
      return { status: 400, code: 'REQUEST_ABORTED', message: 'the request was aborted before its body was read' };
    case 'request.size.invalid':
      return { status: 400, code: 'BAD_REQUEST', message: 'the request body size does not match its Content-Length' };
    default:
      if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
        return { status: parserError.status, code: 'BAD_REQUEST', message: 'the request could not be read' };
      }
      return undefined;
  }
}

/** The last error handler of the app: JSON for every error, no stack, unexpected errors logged and masked. */
export function jsonErrorHandler(onUnexpected: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = describeHttpError(error);
    if (known === undefined) onUnexpected(error);
    const { status, code, message } = known ?? {
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Internal server error',
    };
    res.status(status).json(httpErrorBody(code, message));
  };
}

/** The handler after every route: 404 as JSON. */
export function jsonNotFound(): RequestHandler {
  return (req: Request, res: Response) => {
    res
      .status(404)
      .json(httpErrorBody('NOT_FOUND', `no route ${req.method} ${req.path.slice(0, 200)}; the API is POST /graphql`));
  };
}
