// A ceiling on the size of one response body: a query that passed the static limits can still
// produce a huge answer (large pages of long strings). Express's `res.send` gets the whole body at
// once (Apollo's express integration sends complete results that way), so its byte length is
// checked there, before anything is written, and an oversized body is replaced by a JSON error.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const RESPONSE_TOO_LARGE = 'RESPONSE_TOO_LARGE';

export function responseSizeGuard(maxBytes: number): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const send = res.send.bind(res);
    res.send = ((body?: unknown) => {
      const size = typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : 0;
      if (size > maxBytes && !res.headersSent) {
        res.status(413).type('application/json');
        return send(
          JSON.stringify({
            errors: [
              {
                message: `the response would be ${size} bytes; at most ${maxBytes} are sent: ask for fewer rows or fields`,
                extensions: { code: RESPONSE_TOO_LARGE, bytes: size, maxBytes },
              },
            ],
          }),
        );
      }
      return send(body as never);
    }) as Response['send'];
    next();
  };
}
