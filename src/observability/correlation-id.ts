import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Every request carries a correlation id: the caller's (when sane) or a fresh one. */
export function correlationId(req: Request & { correlationId?: string }, res: Response, next: NextFunction): void {
  const incoming = req.header('x-correlation-id');
  const id = incoming && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
  req.correlationId = id;
  res.setHeader('x-correlation-id', id);
  next();
}
