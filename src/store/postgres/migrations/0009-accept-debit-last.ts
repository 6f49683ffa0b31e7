// dakiya_accept() debits last. Until 0008 a group debited each balance first and held that row's
// lock through its message and ledger inserts and the commit's WAL flush, so groups in flight at
// once (store.postgres.commitsInFlight) ran one after another whenever they shared a balance — as
// every request of one busy customer does. Now, when every balance of the group, read without a
// lock, covers its requests, the group writes its rows first and debits right before it commits;
// a balance spent meanwhile by another group fails the group (DK002) and its requests are sent
// alone, debiting first (lock_first = true, the 0008 order), as is an accept inside a larger
// transaction (an OTP session's). Either way a balance never goes below zero: the debit is the
// same guarded UPDATE, and the group commits only if it matched.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION dakiya_accept(jsonb, integer[], text[], text[], text[], text[], text[], text[], text[], text[], text[], text[], text[],
      integer[], boolean[], bigint[], text[], text[], bigint[], bigint[], bigint[], bigint[], text[], text[], text[], text[]);
    CREATE FUNCTION dakiya_accept(
      requests jsonb, m_req integer[], m_id text[], m_account text[], m_batch text[], m_route text[], m_category text[],
      m_lane text[], m_recipient text[], m_sender text[], m_body text[], m_template text[], m_encoding text[],
      m_segments integer[], m_flash boolean[], m_credits bigint[], m_status text[], m_correlation text[],
      m_due bigint[], m_scheduled bigint[], m_expires bigint[], m_created bigint[], m_receipt_to text[], m_callback_url text[], m_secret text[], m_entity text[],
      lock_first boolean
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
      -- Debit last: the balances this group debits right before it commits, one per run, in key order.
      debit_last boolean := NOT lock_first;
      d_account text[] := '{}'; d_route text[] := '{}'; d_total bigint[] := '{}';
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
      -- Debit last when every run's balance, read without a lock, covers the run: the group writes
      -- its rows first and takes each balance row only right before it commits, so groups in flight
      -- together overlap their writes instead of queueing behind one balance row's lock.
      IF debit_last THEN
        i := 1;
        WHILE i <= req_count LOOP
          r := requests->(i - 1);
          j := i;
          total := 0;
          WHILE j <= req_count AND requests->(j - 1)->>'account_id' = r->>'account_id' AND requests->(j - 1)->>'route_id' = r->>'route_id' LOOP
            IF results[j] IS NULL THEN total := total + (requests->(j - 1)->>'debit')::bigint; END IF;
            j := j + 1;
          END LOOP;
          SELECT balance INTO current_balance FROM balances WHERE account_id = r->>'account_id' AND route_id = r->>'route_id';
          IF current_balance IS NULL OR current_balance < total THEN
            debit_last := false;
            EXIT;
          END IF;
          d_account := d_account || (r->>'account_id'); d_route := d_route || (r->>'route_id'); d_total := d_total || total;
          i := j;
        END LOOP;
      END IF;
      IF debit_last THEN
        FOR k IN 1..req_count LOOP
          IF results[k] IS NULL THEN accepted[k] := true; END IF;
        END LOOP;
      END IF;
      -- Otherwise debit first (as before 0009), one run of requests on the same balance at a time.
      i := CASE WHEN debit_last THEN req_count + 1 ELSE 1 END;
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
      -- The deferred debits, in key order (the order every group takes balance rows in). A balance
      -- spent by another group since it was read fails the whole group; the caller then sends each
      -- request alone, debiting first.
      IF debit_last THEN
        FOR k IN 1..coalesce(array_length(d_account, 1), 0) LOOP
          UPDATE balances SET balance = balance - d_total[k]
            WHERE account_id = d_account[k] AND route_id = d_route[k] AND balance >= d_total[k];
          IF NOT FOUND THEN
            RAISE EXCEPTION 'a balance was spent between its read and its debit' USING ERRCODE = 'DK002';
          END IF;
        END LOOP;
      END IF;
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
