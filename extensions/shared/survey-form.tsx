/** @jsxImportSource preact */
import { useState } from "preact/hooks";
import { answerSurvey, type Survey, type SurveyAnswers, type TokenSource } from "./tally-api";

type Translate = (key: string, values?: Record<string, string | number>) => string;

/** What Tally accepts (docs/surveys.md): checked here first so the shopper is told before sending. */
export const COMMENT_MAX = 1000;
export const TEXT_MAX = 500;

/** The NPS question names the shop as "{shop}": the extension's host knows the shop's name (left as written where it does not). */
const withShopName = (text: string) => {
  const name = (globalThis as { shopify?: { shop?: { name?: string } } }).shopify?.shop?.name;
  return name ? text.replaceAll("{shop}", name) : text;
};

const SCORES = Array.from({ length: 11 }, (_, n) => n);
const RATINGS = [1, 2, 3, 4, 5];

/** The selected values of an `s-choice-list` (the element carries them, as a select does its value). */
const chosen = (event: Event) => ((event.currentTarget as unknown as { values?: string[] }).values ?? []).map(String);
const typed = (event: Event) => String((event.currentTarget as HTMLInputElement).value ?? "");

export type SurveyFormProps = {
  survey: Survey;
  orderId: string;
  sessionToken: TokenSource;
  /** The extension's `i18n.translate` (its locale file has the `survey` section) and number format. */
  translate: Translate;
  num: (n: number) => string;
  /** A guest earns nothing for answering: the button says "Answer" and the form invites them to join. */
  guest: boolean;
  /** Called once Tally has recorded the answer (the points it earned, 0 for a guest). */
  onAnswered?: (points: number) => void;
};

/**
 * A post-purchase survey for one order: the NPS from 0 to 10, the comment when the survey asks
 * for one, then its questions (one choice, several, a rating from 1 to 5, short text). The score
 * is required and the texts are checked for length before anything is sent; the answer is sent
 * once (a retry after a network failure returns the same answer) and the form becomes a thank-you
 * with the points earned.
 */
export function SurveyForm({ survey, orderId, sessionToken, translate: t, num, guest, onAnswered }: SurveyFormProps) {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [answers, setAnswers] = useState<Record<string, string | string[] | number>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<{ points: number } | null>(null);
  const [closed, setClosed] = useState(false);

  const points = (n: number) => ({ count: n, points: num(n) });
  const earns = !guest && survey.points > 0;
  const invitation = guest && survey.points > 0 ? t("survey.join", points(survey.points)) : null;

  if (done) {
    return (
      <s-stack gap="small-300">
        <s-banner tone="success">
          {done.points > 0 ? t("survey.thanksPoints", points(done.points)) : t("survey.thanks")}
        </s-banner>
        {invitation && <s-text color="subdued">{invitation}</s-text>}
      </s-stack>
    );
  }
  if (closed) return <s-text color="subdued">{t("survey.closed")}</s-text>;

  const answer = (id: string, value: string | string[] | number | null) =>
    setAnswers((seen) => {
      const next = { ...seen };
      if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) delete next[id];
      else next[id] = value;
      return next;
    });

  function check() {
    const found: Record<string, string> = {};
    if (score === null) found.nps = t("survey.scoreRequired");
    if (comment.trim().length > COMMENT_MAX) found.comment = t("survey.tooLong", { max: num(COMMENT_MAX) });
    for (const question of survey.questions) {
      const value = answers[question.id];
      if (question.type === "text" && typeof value === "string" && value.trim().length > TEXT_MAX)
        found[question.id] = t("survey.tooLong", { max: num(TEXT_MAX) });
    }
    return found;
  }

  async function submit() {
    const found = check();
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0 || score === null) return;
    const body: SurveyAnswers = { nps: score };
    if (survey.nps.comment && comment.trim()) body.comment = comment.trim();
    for (const question of survey.questions) {
      const value = answers[question.id];
      if (value !== undefined) body[question.id] = typeof value === "string" ? value.trim() : value;
    }
    setBusy(true);
    const outcome = await answerSurvey(sessionToken, survey.id, orderId, body);
    setBusy(false);
    if (outcome.kind === "answered") {
      setDone({ points: outcome.points });
      onAnswered?.(outcome.points);
    } else if (outcome.kind === "closed") setClosed(true);
    else setFailure(t(`survey.failed.${outcome.kind}`));
  }

  return (
    <s-stack gap="base">
      <s-stack gap="small-300">
        <s-choice-list
          label={withShopName(survey.nps.text)}
          variant="inline"
          values={score === null ? [] : [String(score)]}
          error={errors.nps}
          onChange={(event) => {
            const [value] = chosen(event);
            setScore(value === undefined ? null : Number(value));
          }}
        >
          {SCORES.map((n) => (
            <s-choice key={n} value={String(n)}>
              {num(n)}
            </s-choice>
          ))}
        </s-choice-list>
        <s-stack direction="inline" justifyContent="space-between">
          <s-text color="subdued">{t("survey.unlikely")}</s-text>
          <s-text color="subdued">{t("survey.likely")}</s-text>
        </s-stack>
      </s-stack>

      {survey.nps.comment && (
        <s-text-area
          label={t("survey.comment")}
          value={comment}
          rows={3}
          error={errors.comment}
          onInput={(event) => setComment(typed(event))}
        />
      )}

      {survey.questions.map((question) => {
        const value = answers[question.id];
        if (question.type === "text")
          return (
            <s-text-field
              key={question.id}
              label={question.text}
              value={typeof value === "string" ? value : ""}
              error={errors[question.id]}
              onInput={(event) => answer(question.id, typed(event))}
            />
          );
        const multiple = question.type === "multiple_choice";
        const choices =
          question.type === "rating"
            ? RATINGS.map((n) => ({ id: String(n), label: num(n) }))
            : (question.options ?? []).map((option) => ({ id: option.id, label: option.label }));
        return (
          <s-choice-list
            key={question.id}
            label={question.text}
            multiple={multiple}
            variant={question.type === "rating" ? "inline" : "auto"}
            values={value === undefined ? [] : Array.isArray(value) ? value : [String(value)]}
            onChange={(event) => {
              const values = chosen(event);
              if (multiple) answer(question.id, values);
              else if (question.type === "rating") answer(question.id, values[0] ? Number(values[0]) : null);
              else answer(question.id, values[0] ?? null);
            }}
          >
            {choices.map((choice) => (
              <s-choice key={choice.id} value={choice.id}>
                {choice.label}
              </s-choice>
            ))}
          </s-choice-list>
        );
      })}

      {failure && <s-banner tone="critical">{failure}</s-banner>}
      {invitation && <s-text color="subdued">{invitation}</s-text>}
      <s-button variant="primary" loading={busy} disabled={busy} onClick={submit}>
        {earns ? t("survey.submitPoints", points(survey.points)) : t("survey.submit")}
      </s-button>
    </s-stack>
  );
}
