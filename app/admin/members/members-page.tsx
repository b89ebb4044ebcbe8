import { useNavigate, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Card,
  IndexTable,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
  type IndexTableProps,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { useTranslation } from "~/i18n";
import type { MemberListPage, MemberSort } from "~/loyalty/members/list.server";

const COLUMNS: { sort: MemberSort | null; key: string }[] = [
  { sort: "email", key: "email" },
  { sort: null, key: "name" },
  { sort: "balance", key: "balance" },
  { sort: null, key: "tier" },
  { sort: "lastActivity", key: "lastActivity" },
];

/** The members, searched, sorted and paged through the URL. */
export function MembersPage({
  members,
  nextCursor,
  previousCursor,
  tierNames,
  options,
}: MemberListPage & {
  tierNames: Record<string, string>;
  options: { query?: string; sort: MemberSort; direction: "asc" | "desc"; filter?: "all" | "paid" };
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [query, setQuery] = useState(options.query ?? "");
  // Search as the merchant types, a moment after they stop.
  useEffect(() => {
    if (query === (options.query ?? "")) return;
    const timer = setTimeout(
      () => setParams((current) => withParams(current, { query: query || null, after: null, before: null })),
      300,
    );
    return () => clearTimeout(timer);
  }, [query, options.query, setParams]);

  const sortIndex = COLUMNS.findIndex((column) => column.sort === options.sort);
  const onSort: IndexTableProps["onSort"] = (index, direction) => {
    const sort = COLUMNS[index]?.sort;
    if (sort)
      setParams(
        withParams(params, { sort, direction: direction === "ascending" ? "asc" : "desc", after: null, before: null }),
      );
  };
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium" });
  return (
    <Page title={t("members.title")} secondaryActions={[{ content: t("members.import"), url: "/app/import" }]}>
      <Card padding="0">
        <div style={{ padding: "var(--p-space-300)" }}>
          <InlineStack gap="300" wrap={false} blockAlign="center">
            <div style={{ flex: 1 }}>
              <TextField
                label={t("members.search")}
                labelHidden
                placeholder={t("members.searchPlaceholder")}
                autoComplete="off"
                value={query}
                onChange={setQuery}
                clearButton
                onClearButtonClick={() => setQuery("")}
              />
            </div>
            {/* The paid membership's members only (issue 22). */}
            <Select
              label={t("membership.list.filter")}
              labelInline
              options={[
                { value: "all", label: t("membership.list.all") },
                { value: "paid", label: t("membership.list.paid") },
              ]}
              value={options.filter ?? "all"}
              onChange={(value) =>
                setParams(withParams(params, { filter: value === "paid" ? "paid" : null, after: null, before: null }))
              }
            />
          </InlineStack>
        </div>
        <IndexTable
          resourceName={{ singular: t("members.singular"), plural: t("members.plural") }}
          itemCount={members.length}
          selectable={false}
          headings={
            COLUMNS.map((column) => ({ title: t(`members.columns.${column.key}`) })) as IndexTableProps["headings"]
          }
          sortable={COLUMNS.map((column) => column.sort !== null)}
          sortColumnIndex={sortIndex}
          sortDirection={options.direction === "asc" ? "ascending" : "descending"}
          onSort={onSort}
          emptyState={
            <Text as="p" alignment="center" tone="subdued">
              {options.query || options.filter === "paid" ? t("members.noMatch") : t("members.none")}
            </Text>
          }
          // Arrows only when there is another page to go to.
          pagination={
            nextCursor || previousCursor
              ? {
                  hasNext: Boolean(nextCursor),
                  hasPrevious: Boolean(previousCursor),
                  onNext: () => setParams(withParams(params, { after: nextCursor, before: null })),
                  onPrevious: () => setParams(withParams(params, { before: previousCursor, after: null })),
                }
              : undefined
          }
        >
          {members.map((member, index) => (
            <IndexTable.Row
              id={member.id}
              key={member.id}
              position={index}
              onClick={() => navigate(`/app/members/${member.id}`)}
            >
              <IndexTable.Cell>
                <Text as="span" fontWeight="semibold">
                  {member.email ?? t("members.redacted")}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>{[member.firstName, member.lastName].filter(Boolean).join(" ")}</IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" numeric>
                  {t("members.points", {
                    count: member.balance,
                    formatted: member.balance.toLocaleString(i18n.language),
                  })}
                  {member.pending
                    ? ` ${t("members.pending", { formatted: member.pending.toLocaleString(i18n.language) })}`
                    : ""}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack gap="100">
                  {member.tierId ? <Badge>{tierNames[member.tierId] ?? member.tierId}</Badge> : null}
                  {member.paidStatus === "active" || member.paidStatus === "grace" ? (
                    <Badge tone={member.paidStatus === "active" ? "success" : "attention"}>
                      {t(`membership.list.badge.${member.paidStatus}`)}
                    </Badge>
                  ) : null}
                </InlineStack>
              </IndexTable.Cell>
              <IndexTable.Cell>{dateFormat.format(new Date(member.lastActivityAt))}</IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </Card>
    </Page>
  );
}

function withParams(current: URLSearchParams, changes: Record<string, string | null>): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  return next;
}
