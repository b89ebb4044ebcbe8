import {
  BlockStack,
  Button,
  Card,
  Checkbox,
  DatePicker,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { NumberField } from "~/admin/common/fields";
import type { ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";

/** A Shopify customer segment the merchant can limit an event to. */
export interface Segment {
  id: string;
  name: string;
}

const dayOf = (iso: string) => iso.slice(0, 10);
/** Bonus events as a list and on a calendar: pick the days, name it, set the multiplier. */
export function BonusEvents({ editor, segments }: { editor: ProgramEditor; segments: Segment[] }) {
  const { t } = useTranslation();
  // The shop's segments; one an event names that Shopify did not list (deleted, or not read) stays as its id.
  const segmentOptions = (current: string | null) => [
    { label: t("program.bonus.segmentEveryone"), value: "" },
    ...segments.map((segment) => ({ label: segment.name, value: segment.id })),
    ...(current && !segments.some((segment) => segment.id === current) ? [{ label: current, value: current }] : []),
  ];
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
            {editor.draft.tiers.levels.length > 0 ? (
              <BlockStack gap="100">
                <Text as="p">{t("program.bonus.tiers")}</Text>
                <InlineStack gap="400">
                  {editor.draft.tiers.levels.map((level) => (
                    <Checkbox
                      key={level.id}
                      label={level.name}
                      checked={event.tierIds.includes(level.id)}
                      onChange={(checked) =>
                        editor.update((p) => {
                          const target = p.earning.bonusEvents[index]!;
                          target.tierIds = checked
                            ? [...target.tierIds, level.id]
                            : target.tierIds.filter((id) => id !== level.id);
                        })
                      }
                    />
                  ))}
                </InlineStack>
                <Text as="p" tone="subdued">
                  {t("program.bonus.tiersHelp")}
                </Text>
              </BlockStack>
            ) : null}
            <Select
              label={t("program.bonus.segment")}
              helpText={t("program.bonus.segmentHelp")}
              options={segmentOptions(event.segmentId)}
              value={event.segmentId ?? ""}
              error={editor.errorFor(`earning.bonusEvents.${index}.segmentId`)}
              onChange={(value) => editor.update((p) => void (p.earning.bonusEvents[index]!.segmentId = value || null))}
            />
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
