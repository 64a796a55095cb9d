// Request validation with zod: one schema per route part gives both the check (through a
// Fastify validator compiler) and the OpenAPI description (through z.toJSONSchema).
import { z } from 'zod';
import type { FastifySchemaCompiler } from 'fastify';
import { intFrom } from '../config.js';

/** An error with an HTTP status and a message meant for the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface Issue {
  in: string;
  path: string;
  message: string;
}

export class ValidationError extends HttpError {
  constructor(readonly issues: Issue[]) {
    super(400, issues.map((i) => `${i.in}${i.path ? `.${i.path}` : ''}: ${i.message}`).join('; '), { issues });
    this.name = 'ValidationError';
  }
}

/** Zod's issues as client-facing ones; an unknown parameter is named, with the ones allowed. */
export function issuesOf(part: string, error: z.ZodError, schema?: z.ZodType): Issue[] {
  const allowed = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  return error.issues.flatMap((i) => {
    const path = i.path.map(String).join('.');
    if (i.code !== 'unrecognized_keys') return [{ in: part, path, message: i.message }];
    const known = allowed.length ? `; known: ${allowed.join(', ')}` : '';
    const what = part === 'body' || part === 'form' ? 'field' : 'parameter';
    return i.keys.map((k) => ({ in: part, path: path ? `${path}.${k}` : k, message: `unknown ${what}${known}` }));
  });
}

/** Validates `data` against `schema`; throws ValidationError (400) naming every bad field. */
export function parseWith<T extends z.ZodType>(schema: T, data: unknown, part = 'query'): z.output<T> {
  const r = schema.safeParse(data);
  if (!r.success) throw new ValidationError(issuesOf(part, r.error, schema));
  return r.data;
}

const zodOf = new WeakMap<object, z.ZodType>();

/** The JSON schema of `schema` for a route's `querystring`/`params`/`body`, remembered for the validator compiler. */
export function zodSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  zodOf.set(json, schema);
  return json;
}

/** Fastify validator compiler for routes whose schemas come from `zodSchema`. */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const zs = zodOf.get(schema as object);
  if (!zs) throw new Error('route schema was not built with zodSchema()');
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'request');
  return (data: unknown) => {
    const r = zs.safeParse(data);
    return r.success ? { value: r.data } : { error: new ValidationError(issuesOf(part, r.error, zs)) };
  };
};

// Shared pieces of request schemas.

/** `2024-05-01` or a full ISO date-time; `until` dates mean the end of that day. */
export const isoDateOrTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be a date (YYYY-MM-DD) or an ISO date-time (2024-05-01T12:00:00Z)',
  })
  // Postgres and Prisma take years 1..9999, and no news is older than the printing press.
  .refine((v) => Number(v.slice(0, 4)) >= 1000, 'must be in the years 1000 to 9999');

/** A free-text query parameter: Postgres text cannot hold a NUL character, so it is refused here. */
export const textParam = (max: number) =>
  z.string().min(1, 'must not be empty').max(max, `at most ${max} characters`).refine((v) => !v.includes('\0'), 'must not contain a NUL character (%00)');

export function startOf(v: string | undefined): Date | undefined {
  if (!v) return undefined;
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : v);
}

export function endOf(v: string | undefined): Date | undefined {
  if (!v) return undefined;
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59.999Z` : v);
}

export const sourceKey = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a source key (lower-case letters, digits, _ . -)');
export const runIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a run id (letters, digits, _ . : -)');

/** `limit` (1..max, default def) and `offset` query parameters. */
export const pageParams = (max: number, def: number) => ({
  limit: intFrom(1, max).default(def),
  offset: intFrom(0, 1_000_000).default(0),
});
