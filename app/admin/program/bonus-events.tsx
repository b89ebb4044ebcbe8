import { BlockStack, Button, Card, DatePicker, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { NumberField } from "~/admin/common/fields";
import type { ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";

const dayOf = (iso: string) => iso.slice(0, 10);

/** Bonus events as a list and on a calendar: pick the days, name it, set the multiplier. */
export function BonusEvents({ editor }: { editor: ProgramEditor }) {
  const { t } = useTranslation();
  const today = new Date();
  const [month, setMonth] = useState({ month: today.getMonth(), year: today.getFullYear() });
  const [range, setRange] = useState<{ start: Date; end: Date }>({ start: today, end: today });
  const events = editor.draft.earning.bonusEvents;
  const add = () =>
    editor.update((p) => {
      const start = new Date(Date.UTC(range.start.getFullYear(), range.start.getMonth(), range.start.getDate()));
      const end = new Date(Date.UTC(range.end.getFullYear(), range.end.getMonth(), range.end.getDate() + 1));
      p.earning.bonusEvents.push({
        name: t("program.bonus.defaultName"),
        startsAt: start.toISOString(),
        endsAt: end.toISOString(),
        multiplier: 2,
        tierIds: [],
        segmentId: null,
      });
    });
  return (
    <Card>
      <BlockStack gap="400">
        <DatePicker
          month={month.month}
          year={month.year}
          onMonthChange={(m, y) => setMonth({ month: m, year: y })}
          selected={range}
          onChange={setRange}
          allowRange
        />
        <InlineStack align="end">
          <Button onClick={add}>{t("program.bonus.add")}</Button>
        </InlineStack>
        {events.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("program.bonus.none")}
          </Text>
        ) : null}
        {events.map((event, index) => (
          <FormLayout key={index}>
            <FormLayout.Group condensed>
              <TextField
                label={t("program.bonus.name")}
                autoComplete="off"
                value={event.name}
                error={editor.errorFor(`earning.bonusEvents.${index}.name`)}
                onChange={(name) => editor.update((p) => void (p.earning.bonusEvents[index]!.name = name))}
              />
              <TextField
                label={t("program.bonus.starts")}
                type="date"
                autoComplete="off"
                value={dayOf(event.startsAt)}
                onChange={(day) =>
                  editor.update((p) => void (p.earning.bonusEvents[index]!.startsAt = `${day}T00:00:00.000Z`))
                }
              />
              <TextField
                label={t("program.bonus.ends")}
                type="date"
                autoComplete="off"
                value={dayOf(event.endsAt)}
                error={editor.errorFor(`earning.bonusEvents.${index}.endsAt`)}
                onChange={(day) =>
                  editor.update((p) => void (p.earning.bonusEvents[index]!.endsAt = `${day}T00:00:00.000Z`))
                }
              />
              <NumberField
                label={t("program.bonus.multiplier")}
                value={event.multiplier}
                error={editor.errorFor(`earning.bonusEvents.${index}.multiplier`)}
                onChange={(value) => editor.update((p) => void (p.earning.bonusEvents[index]!.multiplier = value ?? 0))}
              />
            </FormLayout.Group>
            <InlineStack align="end">
              <Button
                variant="plain"
                tone="critical"
                onClick={() => editor.update((p) => void p.earning.bonusEvents.splice(index, 1))}
              >
                {t("common.remove")}
              </Button>
            </InlineStack>
          </FormLayout>
        ))}
      </BlockStack>
    </Card>
  );
}
