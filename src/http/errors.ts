/**
 * One error shape everywhere (ARCHITECTURE §8): `{"error": {"code": …, "message": …}}`, plus
 * `parameter` when a request value was refused, so a client can point at the field it sent wrong.
 * Server faults are logged here and answered without internals: the message an attacker sees for a
 * 500 is always the same sentence.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createLogger } from '../log.js';

const log = createLogger('omo:http');

export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorBody(code: string, message: string, parameter?: string): ErrorBody {
  return parameter === undefined ? { error: { code, message } } : { error: { code, message, parameter } };
}

/** Machine codes for the 4xx fastify raises itself (bad JSON, body too large, wrong media type…). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
  app.setErrorHandler((error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) {
      void reply
        .code(error.statusCode)
        .headers(error.headers)
        .send(errorBody(error.code, error.message, error.parameter));
      return;
    }
    if (error.validation) {
      const { message, parameter } = describeValidation(error);
      void reply.code(400).send(errorBody('invalid_parameter', message, parameter));
      return;
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      void reply.code(status).send(errorBody(CODE_BY_STATUS[status] ?? 'bad_request', error.message));
      return;
    }
    log.error(`${request.method} ${request.url} failed: ${error.stack ?? error.message}`);
    void reply.code(500).send(errorBody('internal', 'internal error; the gateway log has the details'));
  });
}

/**
 * Turns Ajv's first error into a sentence naming the parameter: `querystring parameter "limit" must be
 * <= 1000`. Missing and unknown properties name the property itself, not the object holding it.
 */
function describeValidation(error: FastifyError): { message: string; parameter?: string } {
  const context = error.validationContext ?? 'request';
  const first = error.validation?.[0];
  if (!first) return { message: `invalid ${context}` };
  const params = first.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  const path = first.instancePath.split('/').filter(Boolean).join('.');
  const where = context === 'body' ? 'body field' : `${context} parameter`;
  if (params.missingProperty !== undefined) {
    const name = path ? `${path}.${params.missingProperty}` : params.missingProperty;
    return { message: `${where} "${name}" is required`, parameter: name };
  }
  if (params.additionalProperty !== undefined) {
    const name = path ? `${path}.${params.additionalProperty}` : params.additionalProperty;
    return { message: `${where} "${name}" is not accepted here`, parameter: name };
  }
  const allowed = params.allowedValues ? ` (${params.allowedValues.join(', ')})` : '';
  if (!path) return { message: `${context} ${first.message ?? 'is invalid'}${allowed}` };
  return { message: `${where} "${path}" ${first.message ?? 'is invalid'}${allowed}`, parameter: path };
}
