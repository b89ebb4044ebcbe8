import { useSearchParams } from "@remix-run/react";
import { BlockStack, Box, Button, InlineStack, Popover, Spinner } from "@shopify/polaris";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "~/i18n";

const DAY_MS = 86_400_000;
// Fetched as the pointer or focus reaches the button, so it is there when the popover opens.
const loadDatePicker = () => import("./date-picker");
const DatePicker = lazy(loadDatePicker);

/** The page's date range as a button; picking another range sets `?from=…&to=…`. */
export function RangePicker({ range }: { range: { from: Date; to: Date } }) {
  const { t, i18n } = useTranslation();
  const [, setParams] = useSearchParams();
  const [open, setOpen] = useState(false);
  const from = new Date(range.from);
  const lastDay = new Date(new Date(range.to).getTime() - DAY_MS);
  const [selected, setSelected] = useState({ start: from, end: lastDay });
  const [month, setMonth] = useState({ month: lastDay.getUTCMonth(), year: lastDay.getUTCFullYear() });
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeZone: "UTC" });
  const apply = (start: Date, end: Date) => {
    const day = (date: Date) =>
      `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
    const exclusiveEnd = new Date(Date.UTC(end.getFullYear(), end.getMonth(), end.getDate() + 1));
    setParams({ from: `${day(start)}T00:00:00Z`, to: exclusiveEnd.toISOString() });
    setOpen(false);
  };
  const preset = (days: number) => {
    const end = new Date();
    apply(new Date(end.getTime() - (days - 1) * DAY_MS), end);
  };
  return (
    <Popover
      active={open}
      onClose={() => setOpen(false)}
      activator={
        <Button
          disclosure
          onMouseEnter={loadDatePicker}
          onFocus={loadDatePicker}
          onClick={() => setOpen((value) => !value)}
        >
          {t("dashboard.range", { from: format.format(from), to: format.format(lastDay) })}
        </Button>
      }
    >
      <Box padding="400">
        <BlockStack gap="300">
          <InlineStack gap="200">
            {[7, 30, 90, 365].map((days) => (
              <Button key={days} size="slim" onClick={() => preset(days)}>
                {t("dashboard.lastDays", { count: days })}
              </Button>
            ))}
          </InlineStack>
          <Suspense fallback={<Spinner size="small" />}>
            <DatePicker
              month={month.month}
              year={month.year}
              onMonthChange={(m, y) => setMonth({ month: m, year: y })}
              selected={selected}
              onChange={setSelected}
              allowRange
            />
          </Suspense>
          <InlineStack align="end">
            <Button variant="primary" onClick={() => apply(selected.start, selected.end)}>
              {t("dashboard.apply")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Box>
    </Popover>
  );
}
