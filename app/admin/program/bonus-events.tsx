import {
  BlockStack,
  Button,
  Card,
  Checkbox,
  DatePicker,
  FormLayout,
  InlineStack,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { NumberField } from "~/admin/common/fields";
import type { ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";

const dayOf = (iso: string) => iso.slice(0, 10);
const SEGMENT_GID = "gid://shopify/Segment/";

/** What the merchant typed for a segment: its number (from the segment's address) or its gid; empty for everyone. */
const segmentFrom = (text: string) => {
  const typed = text.trim();
  if (!typed) return null;
  return /^[0-9]+$/.test(typed) ? `${SEGMENT_GID}${typed}` : typed;
};

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
            <TextField
              label={t("program.bonus.segment")}
              helpText={t("program.bonus.segmentHelp")}
              autoComplete="off"
              value={
                event.segmentId?.startsWith(SEGMENT_GID)
                  ? event.segmentId.slice(SEGMENT_GID.length)
                  : (event.segmentId ?? "")
              }
              error={editor.errorFor(`earning.bonusEvents.${index}.segmentId`)}
              onChange={(text) =>
                editor.update((p) => void (p.earning.bonusEvents[index]!.segmentId = segmentFrom(text)))
              }
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
