// The seed 002 OTP endpoints: send-otp/index starts a session on the account's OTP channel and
// answers its id as the `reference`; verify-otp/index checks a code against it. GET and POST alike.
import type { FastifyInstance } from 'fastify';
import type { OtpCheckOutcome } from '../../../store/store.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { caller } from '../../http/request-caller.ts';
import { requiredParameter } from '../../http/form-params.ts';

type CheckResult = Extract<OtpCheckOutcome, { kind: 'checked' }>['result'];

/** The seed's `match`: "expired" covers everything after which the right code can no longer match. */
const match = {
  verified: 'true',
  mismatch: 'false',
  expired: 'expired',
  locked: 'expired',
  used: 'expired',
} as const satisfies Record<CheckResult, string>;

export function handoverOtpRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // A GET here sends an SMS (the seed's choice): no automatic HEAD twin that would send one too.
  const methods = ['GET', 'POST'] as const;

  app.route({
    method: [...methods], url: '/send-otp/index', exposeHeadRoute: false,
    handler: async (request) => {
      const channelId = requiredParameter(request, 'channel_id');
      const mobile = requiredParameter(request, 'mobile');
      const result = await ctx.otp.send(caller(request), { mobile, channelId });
      return { result: 'success', reference: result.session.id };
    },
  });

  app.route({
    method: [...methods], url: '/verify-otp/index', exposeHeadRoute: false,
    handler: async (request) => {
      const reference = requiredParameter(request, 'reference');
      const otp = requiredParameter(request, 'otp');
      const outcome = await ctx.otp.verify(caller(request), { sessionId: reference, otp });
      ctx.metrics.otpChecks.inc({ result: outcome.result });
      return { result: 'success', match: match[outcome.result] };
    },
  });
}
