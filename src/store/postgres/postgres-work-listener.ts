// LISTEN dakiya_work on a connection of its own: dakiya_accept() notifies the lanes it queued
// work on, and this wakes the local dispatchers. The connection comes back by itself after an
// outage; a missed notification costs only the dispatcher's next poll.
import pg from 'pg';
import { lanes, type Lane } from '../../domain/message.ts';

export class WorkListener {
  #url: string;
  #listeners = new Set<(lane: Lane) => void>();
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(url: string) {
    this.#url = url;
  }

  subscribe(listener: (lane: Lane) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#client && !this.#timer) void this.#connect();
    return () => { this.#listeners.delete(listener); };
  }

  async #connect(): Promise<void> {
    this.#timer = undefined;
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#url });
    this.#client = client;
    const retry = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.removeAllListeners();
      client.on('error', () => {});
      void client.end().catch(() => {});
      if (!this.#closed) this.#timer = setTimeout(() => void this.#connect(), 1000);
    };
    client.on('error', retry);
    client.on('end', retry);
    try {
      await client.connect();
      const schema = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? '';
      client.on('notification', (n) => {
        const [from, lane] = (n.payload ?? '').split(':');
        if (from !== schema || !lanes.includes(lane as Lane)) return;
        for (const listener of this.#listeners) listener(lane as Lane);
      });
      await client.query('LISTEN dakiya_work');
    } catch {
      retry();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }
}
