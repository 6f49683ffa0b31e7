// The first PostgreSQL schema: the same tables and columns as SQLite's 0001 (times are epoch
// milliseconds in bigint, flags are booleans), plus dakiya_accept(), which commits a whole group
// of accepted requests in one round trip.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE operator_tokens (
      id text PRIMARY KEY,
      hash text NOT NULL UNIQUE,
      created_at bigint NOT NULL
    );
    CREATE TABLE accounts (
      id text PRIMARY KEY,
      name text NOT NULL,
      status text NOT NULL,
      rate_limit_per_minute integer,
      created_at bigint NOT NULL
    );
    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      account_id text NOT NULL,
      hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      label text NOT NULL,
      mode text NOT NULL,
      status text NOT NULL,
      ip_allowlist text NOT NULL,
      created_at bigint NOT NULL,
      revoked_at bigint
    );
    CREATE INDEX api_keys_account ON api_keys (account_id);
    CREATE TABLE routes (
      id text PRIMARY KEY,
      category text NOT NULL,
      price_per_segment integer NOT NULL,
      refund_on_undelivered boolean NOT NULL,
      resend_in_doubt boolean NOT NULL,
      enabled boolean NOT NULL,
      description text NOT NULL
    );
    CREATE TABLE balances (
      account_id text NOT NULL,
      route_id text NOT NULL,
      balance bigint NOT NULL CHECK (balance >= 0),
      PRIMARY KEY (account_id, route_id)
    );
    CREATE TABLE ledger (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id text NOT NULL,
      route_id text NOT NULL,
      amount bigint NOT NULL,
      kind text NOT NULL,
      message_id text,
      batch_id text,
      note text NOT NULL,
      created_at bigint NOT NULL
    );
    CREATE INDEX ledger_account ON ledger (account_id, route_id);
    CREATE TABLE sender_ids (
      account_id text NOT NULL,
      sender text NOT NULL,
      kind text NOT NULL,
      status text NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (account_id, sender)
    );
    CREATE TABLE templates (
      account_id text NOT NULL,
      template_id text NOT NULL,
      sender text NOT NULL,
      category text NOT NULL,
      text text NOT NULL,
      status text NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (account_id, template_id)
    );
    CREATE TABLE dnd (
      msisdn text PRIMARY KEY,
      added_at bigint NOT NULL
    );
    CREATE TABLE batches (
      id text PRIMARY KEY,
      account_id text NOT NULL,
      route_id text NOT NULL,
      total_recipients integer NOT NULL,
      accepted_recipients integer NOT NULL,
      created_at bigint NOT NULL,
      scheduled_at bigint
    );
    CREATE TABLE messages (
      id text PRIMARY KEY,
      account_id text NOT NULL,
      batch_id text,
      route_id text NOT NULL,
      category text NOT NULL,
      lane text NOT NULL,
      recipient text NOT NULL,
      sender text NOT NULL,
      body text NOT NULL,
      template_id text,
      encoding text NOT NULL,
      segments integer NOT NULL,
      flash boolean NOT NULL,
      credits bigint NOT NULL,
      status text NOT NULL,
      error_code text,
      correlation_id text,
      due_at bigint NOT NULL,
      scheduled_at bigint,
      expires_at bigint NOT NULL,
      created_at bigint NOT NULL,
      submitted_at bigint,
      done_at bigint,
      carrier_id text,
      attempts integer NOT NULL DEFAULT 0
    ) WITH (fillfactor = 85);
    CREATE INDEX messages_due ON messages (lane, due_at) WHERE status IN ('QUEUED', 'SCHEDULED');
    CREATE INDEX messages_dispatching ON messages (id) WHERE status = 'DISPATCHING';
    CREATE INDEX messages_carrier ON messages (carrier_id) WHERE carrier_id IS NOT NULL;
    CREATE INDEX messages_batch ON messages (batch_id) WHERE batch_id IS NOT NULL;
    CREATE INDEX messages_account ON messages (account_id, id);
    CREATE INDEX messages_correlation ON messages (account_id, correlation_id) WHERE correlation_id IS NOT NULL;
    CREATE TABLE idempotency_keys (
      account_id text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      body text NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (account_id, key)
    );
    -- Leases: which node holds a channel's dispatch (or another singleton job); the token fences
    -- a holder that lost the lease. Times are the database's clock, so nodes' clocks may differ.
    CREATE TABLE leases (
      name text PRIMARY KEY,
      holder text NOT NULL,
      token bigint NOT NULL,
      expires_at bigint NOT NULL
    );
    -- Facts about the deployment itself, e.g. the fingerprint of the pepper its keys were hashed with.
    CREATE TABLE settings (
      key text PRIMARY KEY,
      value text NOT NULL
    );
    -- Request counts per API key and rate-limit window, shared by every node.
    CREATE TABLE rate_windows (
      key_id text NOT NULL,
      window_start bigint NOT NULL,
      count bigint NOT NULL,
      PRIMARY KEY (key_id, window_start)
    );
    -- One round trip: take up to 'want' of the window's remaining requests, atomically.
    CREATE FUNCTION dakiya_take_rate_tokens(k text, w bigint, want bigint, lim bigint, OUT granted bigint, OUT total bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE taken bigint;
    BEGIN
      INSERT INTO rate_windows (key_id, window_start, count) VALUES (k, w, 0) ON CONFLICT DO NOTHING;
      SELECT count INTO taken FROM rate_windows WHERE key_id = k AND window_start = w FOR UPDATE;
      granted := GREATEST(0, LEAST(want, lim - taken));
      total := taken + granted;
      IF granted > 0 THEN
        UPDATE rate_windows SET count = total WHERE key_id = k AND window_start = w;
      END IF;
    END
    $fn$;
    CREATE FUNCTION dakiya_now_ms() RETURNS bigint LANGUAGE sql VOLATILE AS
      $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;
  `.execute(db);

  // One call commits a group of requests, each all or nothing by its own checks: an
  // Idempotency-Key already stored answers with the stored response, a balance that cannot cover
  // the debit answers with the balance, and only then are its ledger entry, batch, messages and key
  // written. Requests come sorted by balance (account, route), so each balance is debited once for
  // all its requests when it covers them all (a hot balance row is then updated once per group,
  // not once per request), and one request at a time, in order, when it does not. The group's
  // messages come as one array per column (m_req: the request each belongs to, 1-based) and its
  // ledger entries are collected, so each is one INSERT for the whole group. A request whose key
  // another transaction stored meanwhile raises 'DK001' so the caller retries it alone (and then
  // finds the stored response).
  await sql`
    CREATE FUNCTION dakiya_accept(
      requests jsonb, m_req integer[], m_id text[], m_account text[], m_batch text[], m_route text[], m_category text[],
      m_lane text[], m_recipient text[], m_sender text[], m_body text[], m_template text[], m_encoding text[],
      m_segments integer[], m_flash boolean[], m_credits bigint[], m_status text[], m_correlation text[],
      m_due bigint[], m_scheduled bigint[], m_expires bigint[], m_created bigint[]
    ) RETURNS jsonb LANGUAGE plpgsql AS $fn$
    DECLARE
      req_count integer := jsonb_array_length(requests);
      r jsonb;
      i integer;
      j integer;
      k integer;
      stored record;
      debit bigint;
      total bigint;
      current_balance bigint;
      results jsonb[] := array_fill(NULL::jsonb, ARRAY[req_count]);
      accepted boolean[] := array_fill(false, ARRAY[req_count]);
      l_account text[] := '{}'; l_route text[] := '{}'; l_amount bigint[] := '{}'; l_message text[] := '{}';
      l_batch text[] := '{}'; l_note text[] := '{}'; l_at bigint[] := '{}';
      lanes text[] := '{}';
    BEGIN
      -- Replays first: a request whose key is stored is answered with its response, unchanged.
      FOR i IN 1..req_count LOOP
        r := requests->(i - 1);
        IF r ? 'idempotency_key' THEN
          SELECT request_hash, status_code, body INTO stored FROM idempotency_keys
            WHERE account_id = r->>'account_id' AND key = r->>'idempotency_key';
          IF FOUND THEN
            results[i] := jsonb_build_object('replay', jsonb_build_object(
              'request_hash', stored.request_hash, 'status_code', stored.status_code, 'body', stored.body));
          END IF;
        END IF;
      END LOOP;
      -- Debits, one run of requests on the same balance at a time.
      i := 1;
      WHILE i <= req_count LOOP
        r := requests->(i - 1);
        j := i;
        total := 0;
        WHILE j <= req_count AND requests->(j - 1)->>'account_id' = r->>'account_id' AND requests->(j - 1)->>'route_id' = r->>'route_id' LOOP
          IF results[j] IS NULL THEN total := total + (requests->(j - 1)->>'debit')::bigint; END IF;
          j := j + 1;
        END LOOP;
        UPDATE balances SET balance = balance - total
          WHERE account_id = r->>'account_id' AND route_id = r->>'route_id' AND balance >= total;
        IF FOUND THEN
          FOR k IN i..j - 1 LOOP
            IF results[k] IS NULL THEN accepted[k] := true; END IF;
          END LOOP;
        ELSE
          FOR k IN i..j - 1 LOOP
            CONTINUE WHEN results[k] IS NOT NULL;
            debit := (requests->(k - 1)->>'debit')::bigint;
            UPDATE balances SET balance = balance - debit
              WHERE account_id = r->>'account_id' AND route_id = r->>'route_id' AND balance >= debit;
            IF FOUND THEN
              accepted[k] := true;
            ELSE
              SELECT balance INTO current_balance FROM balances WHERE account_id = r->>'account_id' AND route_id = r->>'route_id';
              results[k] := jsonb_build_object('insufficient', coalesce(current_balance, 0));
            END IF;
          END LOOP;
        END IF;
        i := j;
      END LOOP;
      -- What each debited request writes besides its messages.
      FOR i IN 1..req_count LOOP
        CONTINUE WHEN NOT accepted[i];
        r := requests->(i - 1);
        debit := (r->>'debit')::bigint;
        IF debit <> 0 THEN
          l_account := l_account || (r->>'account_id'); l_route := l_route || (r->>'route_id'); l_amount := l_amount || (-debit);
          l_message := l_message || (r->>'ledger_message_id'); l_batch := l_batch || (r->>'batch_id');
          l_note := l_note || (r->>'note'); l_at := l_at || (r->>'now')::bigint;
        END IF;
        IF r ? 'batch' THEN
          INSERT INTO batches (id, account_id, route_id, total_recipients, accepted_recipients, created_at, scheduled_at)
            SELECT id, account_id, route_id, total_recipients, accepted_recipients, created_at, scheduled_at
            FROM jsonb_to_record(r->'batch') AS b(id text, account_id text, route_id text, total_recipients integer,
              accepted_recipients integer, created_at bigint, scheduled_at bigint);
        END IF;
        IF r ? 'idempotency_key' THEN
          INSERT INTO idempotency_keys (account_id, key, request_hash, status_code, body, created_at)
            VALUES (r->>'account_id', r->>'idempotency_key', r->>'request_hash', (r->>'status_code')::integer, r->>'body', (r->>'now')::bigint)
            ON CONFLICT DO NOTHING;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'idempotency key stored concurrently' USING ERRCODE = 'DK001';
          END IF;
        END IF;
        lanes := lanes || ARRAY(SELECT jsonb_array_elements_text(r->'lanes'));
        results[i] := '{"ok":true}'::jsonb;
      END LOOP;
      INSERT INTO ledger (account_id, route_id, amount, kind, message_id, batch_id, note, created_at)
        SELECT a, rt, amt, 'reserve', msg, b, n, t FROM unnest(l_account, l_route, l_amount, l_message, l_batch, l_note, l_at) AS u(a, rt, amt, msg, b, n, t);
      INSERT INTO messages (id, account_id, batch_id, route_id, category, lane, recipient, sender, body, template_id,
          encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at)
        SELECT id, account_id, batch_id, route_id, category, lane, recipient, sender, body, template_id,
          encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at
        FROM unnest(m_req, m_id, m_account, m_batch, m_route, m_category, m_lane, m_recipient, m_sender, m_body, m_template,
          m_encoding, m_segments, m_flash, m_credits, m_status, m_correlation, m_due, m_scheduled, m_expires, m_created)
          AS m(req, id, account_id, batch_id, route_id, category, lane, recipient, sender, body, template_id,
            encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at)
        WHERE accepted[m.req];
      -- Wake the node that dispatches these lanes (LISTEN dakiya_work): it need not wait for its poll.
      PERFORM pg_notify('dakiya_work', current_schema() || ':' || lane) FROM (SELECT DISTINCT unnest(lanes) AS lane) AS l;
      RETURN to_jsonb(results);
    END
    $fn$;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the initial migration cannot be reverted');
}
