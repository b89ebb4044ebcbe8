-- Keys derived from a shopper named their Shopify customer id, so an erased member linked back to
-- them. They now use the member's own id (docs/decisions/0016-program-bounds-and-opaque-keys.md);
-- existing keys are rewritten the same way, so a redelivery still finds its entry.

-- Sign-up bonus: customer:<customerId>:signup → member:<memberId>:signup.
UPDATE "LedgerEntry"
   SET "idempotencyKey" = 'member:' || "memberId" || ':signup', "sourceId" = "memberId"
 WHERE "idempotencyKey" ~ '^customer:[0-9]+:signup$';

-- Custom actions: action:<key>:<customerId>:<eventId> → action:<key>:<memberId>:<eventId>.
UPDATE "LedgerEntry"
   SET "idempotencyKey" = regexp_replace("idempotencyKey", '^action:([a-z0-9_-]+):[0-9]+:', 'action:\1:' || "memberId" || ':')
 WHERE kind = 'action' AND "idempotencyKey" ~ '^action:[a-z0-9_-]+:[0-9]+:';

-- Merges: merge:<deleted>:<kept>:out / :in:<lotId> → merge:<merged member>:out / :in:<lotId>; the
-- source is the other member. The lot moved in came from the merged member.
UPDATE "LedgerEntry" o
   SET "sourceId" = (SELECT i."memberId" FROM "LedgerEntry" i
                      WHERE i."shopId" = o."shopId" AND i.kind = 'merge_in'
                        AND i."idempotencyKey" LIKE left(o."idempotencyKey", length(o."idempotencyKey") - 3) || 'in:%'
                      LIMIT 1)
 WHERE o.kind = 'merge_out' AND o."idempotencyKey" ~ '^merge:[0-9]+:[0-9]+:out$';
UPDATE "LedgerEntry"
   SET "idempotencyKey" = 'merge:' || "memberId" || ':out'
 WHERE kind = 'merge_out' AND "idempotencyKey" ~ '^merge:[0-9]+:[0-9]+:out$';
UPDATE "LedgerEntry" i
   SET "idempotencyKey" = 'merge:' || lot."memberId" || ':in:' || lot.id, "sourceId" = lot."memberId"
  FROM "PointLot" lot
 WHERE i.kind = 'merge_in' AND i."idempotencyKey" ~ '^merge:[0-9]+:[0-9]+:in:'
   AND lot.id = regexp_replace(i."idempotencyKey", '^merge:[0-9]+:[0-9]+:in:', '');

-- Flow events keyed by those entries: flow:earned:<old entry key>.
UPDATE "OutboxTask"
   SET key = 'flow:earned:member:' || (payload->>'memberId') || ':signup'
 WHERE topic = 'flow_trigger' AND key ~ '^flow:earned:customer:[0-9]+:signup$';
UPDATE "OutboxTask"
   SET key = regexp_replace(key, '^flow:earned:action:([a-z0-9_-]+):[0-9]+:', 'flow:earned:action:\1:' || (payload->>'memberId') || ':')
 WHERE topic = 'flow_trigger' AND key ~ '^flow:earned:action:[a-z0-9_-]+:[0-9]+:';

-- Storefront redemption requests: <customerId>:<Idempotency-Key> → member:<memberId>:<Idempotency-Key>.
UPDATE "Redemption"
   SET "requestKey" = regexp_replace("requestKey", '^[0-9]+:', 'member:' || "memberId" || ':')
 WHERE "requestKey" ~ '^[0-9]+:';
