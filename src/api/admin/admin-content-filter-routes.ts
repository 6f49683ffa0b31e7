// The admin API's content filter patterns (/admin/v1/content-filter/patterns): the operator's
// run-time blocklist, matched on every node beside the config file's patterns. Registered inside
// adminApi, so the operator token and the native error body apply.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ContentPattern } from '../../domain/content-pattern.ts';
import type { HttpContext } from '../http/http-context.ts';
import { AddContentPattern, ContentPatternId } from './admin-schemas.ts';

/** A stored pattern as the admin API and the CLI's --json show it. */
export function contentPatternJson(p: ContentPattern) {
  return { id: p.id, pattern: p.pattern, description: p.description, created_at: new Date(p.createdAt).toISOString() };
}

export function adminContentFilterRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const service = ctx.contentFilterAdmin;

  // `filter_enabled: false` says why the listed patterns block nothing (contentFilter.enabled).
  api.get('/content-filter/patterns', async () => ({ patterns: (await service.list()).map(contentPatternJson), filter_enabled: service.enabled }));
  api.post('/content-filter/patterns', { schema: { body: AddContentPattern } }, async (request, reply) => {
    const b = request.body;
    const pattern = await service.add({ pattern: b.pattern, ...(b.description !== undefined && { description: b.description }) });
    return reply.code(201).send({ pattern: contentPatternJson(pattern) });
  });
  api.delete('/content-filter/patterns/:id', { schema: { params: ContentPatternId } }, async (request, reply) => {
    await service.remove(request.params.id);
    return reply.code(204).send();
  });
}
