import { randomUUID } from 'crypto';
import { NextFunction, Response } from 'express';
import { AuthedRequest } from './auth';

const SANE_ID = /^[\w.:-]{1,100}$/;

/** Every request gets an id (the client's X-Request-Id if sane), echoed in the response. */
export function requestId(req: AuthedRequest, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  req.requestId = given && SANE_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  next();
}
