// Decides a customer's bind: the SMPP user service checks lockout, IP allowlist, password and the
// account; this node caps the binds an account holds at once. Every refusal is the same
// ESME_RBINDFAIL with an empty body (§4.1.2), whatever the reason.
import type { SmppUser } from '../../domain/smpp-user.ts';
import { type Bind, type BindAccept, CommandStatus } from '../../protocols/smpp/index.ts';
import type { SmppUserService } from '../../services/smpp-user-service.ts';

export class BindGuard {
  #users: SmppUserService;
  #systemId: string;
  /** Binds held per account on this node. */
  #binds = new Map<string, number>();

  constructor(users: SmppUserService, systemId: string) {
    this.#users = users;
    this.#systemId = systemId;
  }

  /** Answers the bind; resolves with the user when it was accepted (the caller must call release() when the session ends). */
  async decide(pdu: Bind, accept: BindAccept, ip: string, stillOpen: () => boolean): Promise<SmppUser | undefined> {
    let user: SmppUser | undefined;
    try {
      user = await this.#users.authenticate(pdu.system_id, pdu.password, ip);
    } catch {
      // The database is down: refused like any other failure; the customer rebinds later.
      user = undefined;
    }
    if (!user || !stillOpen()) {
      accept(CommandStatus.ESME_RBINDFAIL);
      return undefined;
    }
    const held = this.#binds.get(user.accountId) ?? 0;
    if (held >= user.maxBinds) {
      accept(CommandStatus.ESME_RBINDFAIL);
      return undefined;
    }
    this.#binds.set(user.accountId, held + 1);
    accept(CommandStatus.ESME_ROK, this.#systemId);
    return user;
  }

  release(user: SmppUser): void {
    const held = (this.#binds.get(user.accountId) ?? 1) - 1;
    if (held <= 0) this.#binds.delete(user.accountId);
    else this.#binds.set(user.accountId, held);
  }

  bindsOf(accountId: string): number {
    return this.#binds.get(accountId) ?? 0;
  }
}
