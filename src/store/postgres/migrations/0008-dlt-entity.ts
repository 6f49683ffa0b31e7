// DLT principal entity ids (PE ids). A template may name the entity it is registered under, and a
// message records the entity it is sent under (its template's, or the request's), so an SMPP
// connector's PE id TLV carries each customer's own entity instead of one id per connector. Same
// columns as SQLite's 0009. dakiya_accept() as in 0006 with one more message column (entity_id),
// and a campaign's created_at the earliest of its shoots whatever order groups commit in (0006
// kept the first committed); a new signature, so the old function is dropped first.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE templates ADD COLUMN entity_id text;
    ALTER TABLE messages ADD COLUMN entity_id text;

    DROP FUNCTION dakiya_accept(jsonb, integer[], text[], text[], text[], text[], text[], text[], text[], text[], text[], text[], text[],
      integer[], boolean[], bigint[], text[], text[], bigint[], bigint[], bigint[], bigint[], text[], text[], text[]);
    CREATE FUNCTION dakiya_accept(
      requests jsonb, m_req integer[], m_id text[], m_account text[], m_batch text[], m_route text[], m_category text[],
      m_lane text[], m_recipient text[], m_sender text[], m_body text[], m_template text[], m_encoding text[],
      m_segments integer[], m_flash boolean[], m_credits bigint[], m_status text[], m_correlation text[],
      m_due bigint[], m_scheduled bigint[], m_expires bigint[], m_created bigint[], m_receipt_to text[], m_callback_url text[], m_secret text[], m_entity text[]
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
      c_account text[] := '{}'; c_name text[] := '{}'; c_messages integer[] := '{}'; c_at bigint[] := '{}';
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
        IF r ? 'campaign' THEN
          c_account := c_account || (r->>'account_id'); c_name := c_name || (r->>'campaign');
          c_messages := c_messages || (r->>'message_count')::integer; c_at := c_at || (r->>'now')::bigint;
        END IF;
        lanes := lanes || ARRAY(SELECT jsonb_array_elements_text(r->'lanes'));
        results[i] := '{"ok":true}'::jsonb;
      END LOOP;
      INSERT INTO ledger (account_id, route_id, amount, kind, message_id, batch_id, note, created_at)
        SELECT a, rt, amt, 'reserve', msg, b, n, t FROM unnest(l_account, l_route, l_amount, l_message, l_batch, l_note, l_at) AS u(a, rt, amt, msg, b, n, t);
      INSERT INTO messages (id, account_id, batch_id, route_id, category, lane, recipient, sender, body, template_id,
          encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at, receipt_to, callback_url, secret, entity_id)
        SELECT id, account_id, batch_id, route_id, category, lane, recipient, sender, body, template_id,
          encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at, receipt_to, callback_url, secret, entity_id
        FROM unnest(m_req, m_id, m_account, m_batch, m_route, m_category, m_lane, m_recipient, m_sender, m_body, m_template,
          m_encoding, m_segments, m_flash, m_credits, m_status, m_correlation, m_due, m_scheduled, m_expires, m_created, m_receipt_to, m_callback_url, m_secret, m_entity)
          AS m(req, id, account_id, batch_id, route_id, category, lane, recipient, sender, body, template_id,
            encoding, segments, flash, credits, status, correlation_id, due_at, scheduled_at, expires_at, created_at, receipt_to, callback_url, secret, entity_id)
        WHERE accepted[m.req];
      -- Each campaign's row once per group, in key order (groups in flight together lock campaign
      -- rows in the same order, so they cannot deadlock on them).
      INSERT INTO campaigns (account_id, name, shoots, messages, created_at, last_shoot_at)
        SELECT a, n, count(*), sum(msgs), min(t), max(t) FROM unnest(c_account, c_name, c_messages, c_at) AS u(a, n, msgs, t)
        GROUP BY a, n ORDER BY a, n
        ON CONFLICT (account_id, name) DO UPDATE SET shoots = campaigns.shoots + excluded.shoots,
          messages = campaigns.messages + excluded.messages, last_shoot_at = greatest(campaigns.last_shoot_at, excluded.last_shoot_at),
          created_at = least(campaigns.created_at, excluded.created_at);
      -- Wake the node that dispatches these lanes (LISTEN dakiya_work): it need not wait for its poll.
      PERFORM pg_notify('dakiya_work', current_schema() || ':' || lane) FROM (SELECT DISTINCT unnest(lanes) AS lane) AS l;
      RETURN to_jsonb(results);
    END
    $fn$;
  `.execute(db);
}
