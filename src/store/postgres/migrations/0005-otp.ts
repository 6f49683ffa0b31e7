// One-time passwords: sessions (the code only as a keyed hash, plus a sealed copy while pending),
// the operator's OTP channels and per-account policies, the anti-abuse counters, prefixes proven
// real by a verification, and a message's sealed secret, which dakiya_accept() now stores.
// The same tables as SQLite's 0005 (times in epoch ms as bigint).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A message whose text holds a secret (an OTP) is stored with it masked in body; the real
    -- text is sealed here and opened only when the message is handed to a channel.
    ALTER TABLE messages ADD COLUMN secret text;

    CREATE TABLE otp_sessions (
      id text PRIMARY KEY,
      account_id text NOT NULL,
      mobile text NOT NULL,
      channel_id text,
      template_id text,
      sender text NOT NULL,
      route_id text NOT NULL,
      code_hash text NOT NULL,
      sealed_code text,
      length integer NOT NULL,
      expires_at bigint NOT NULL,
      max_attempts integer NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      sends integer NOT NULL,
      max_sends integer NOT NULL,
      last_sent_at bigint NOT NULL,
      status text NOT NULL,
      locked_until bigint,
      channels text NOT NULL,
      channel_used text,
      message_id text,
      purpose text,
      content text,
      test boolean NOT NULL DEFAULT false,
      created_at bigint NOT NULL,
      verified_at bigint
    );
    CREATE INDEX otp_sessions_mobile ON otp_sessions (account_id, mobile, created_at);
    CREATE INDEX otp_sessions_pending ON otp_sessions (expires_at) WHERE status = 'pending';

    CREATE TABLE otp_channels (
      account_id text NOT NULL,
      channel_id text NOT NULL,
      template_id text NOT NULL,
      sender text NOT NULL,
      route text,
      length integer NOT NULL,
      expiry_seconds integer NOT NULL,
      max_attempts integer NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (account_id, channel_id)
    );

    CREATE TABLE otp_policies (
      account_id text PRIMARY KEY,
      allowed_countries text NOT NULL,
      daily_budget integer NOT NULL,
      updated_at bigint NOT NULL
    );

    -- One row per guard and key, locked (FOR UPDATE) by the transaction that counts on it, so
    -- concurrent sends on several nodes cannot both take the last place.
    CREATE TABLE otp_counters (
      key text PRIMARY KEY,
      stamps text NOT NULL DEFAULT '[]',
      count integer NOT NULL DEFAULT 0,
      tripped_at bigint,
      expires_at bigint NOT NULL
    );
    CREATE INDEX otp_counters_expiry ON otp_counters (expires_at);

    CREATE TABLE otp_prefixes (
      account_id text NOT NULL,
      prefix text NOT NULL,
      trusted_at bigint NOT NULL,
      PRIMARY KEY (account_id, prefix)
    );

    -- dakiya_accept() as in 0004, with one more message column (secret).
    DROP FUNCTION dakiya_accept(jsonb, integer[], text[], text[], text[], text[], text[], text[], text[], text[], text[], text[], text[],
      integer[], boolean[], bigint[], text[], text[], bigint[], bigint[], bigint[], bigint[], text[], text[]);
    CREATE FUNCTION dakiya_accept(
      requests jsonb, m_req integer[], m_id text[], m_account text[], m_batch text[], m_route text[], m_category text[],
      m_lane text[], m_recipient text[], m_sender text[], m_body text[], m_template text[], m_encoding text[],
      m_segments integer[], m_flash boolean[], m_credits bigint[], m_status text[], m_correlation text[],
      m_due bigint[], m_scheduled bigint[], m_expires bigint[], m_created bigint[], m_receipt_to text[], m_callback_url text[], m_secret text[]
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
          INSERT INTO batches (id, account_id, route_id, total_recipients, accepted_recipients, created_at, scheduled_at, open)
            SELECT id, account_id, route_id, total_recipients, accepted_recipients, created_at, scheduled_at, accepted_recipients
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
          encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at, receipt_to, callback_url, secret)
        SELECT id, account_id, batch_id, route_id, category, lane, recipient, sender, body, template_id,
          encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at, receipt_to, callback_url, secret
        FROM unnest(m_req, m_id, m_account, m_batch, m_route, m_category, m_lane, m_recipient, m_sender, m_body, m_template,
          m_encoding, m_segments, m_flash, m_credits, m_status, m_correlation, m_due, m_scheduled, m_expires, m_created, m_receipt_to, m_callback_url, m_secret)
          AS m(req, id, account_id, batch_id, route_id, category, lane, recipient, sender, body, template_id,
            encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at, receipt_to, callback_url, secret)
        WHERE accepted[m.req];
      -- Wake the node that dispatches these lanes (LISTEN dakiya_work): it need not wait for its poll.
      PERFORM pg_notify('dakiya_work', current_schema() || ':' || lane) FROM (SELECT DISTINCT unnest(lanes) AS lane) AS l;
      RETURN to_jsonb(results);
    END
    $fn$;
  `.execute(db);
}
