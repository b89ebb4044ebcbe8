import { TextField, type TextFieldProps } from "@shopify/polaris";
import { useEffect, useState } from "react";

type NumberFieldProps = Omit<TextFieldProps, "value" | "onChange" | "type" | "autoComplete"> & {
  value: number | null;
  onChange: (value: number | null) => void;
};

/**
 * A number input over a program value. The text is kept while typing ("1." or "") and the
 * number is handed on only when it parses; the server's validation decides what is allowed.
 */
export function NumberField({ value, onChange, ...props }: NumberFieldProps) {
  const [text, setText] = useState(value === null ? "" : String(value));
  useEffect(() => {
    if (Number(text) !== value) setText(value === null ? "" : String(value));
    // Only an outside change (discard, save) rewrites what the merchant is typing: `text` is
    // deliberately not a dependency.
  }, [value]);
  return (
    <TextField
      {...props}
      type="number"
      autoComplete="off"
      value={text}
      onChange={(next) => {
        setText(next);
        if (next.trim() === "") onChange(null);
        else if (Number.isFinite(Number(next))) onChange(Number(next));
      }}
    />
  );
}

type DayFieldProps = Omit<TextFieldProps, "value" | "onChange" | "type" | "autoComplete"> & {
  /** An ISO 8601 instant (the program's dates), or null for none. */
  value: string | null;
  onChange: (value: string | null) => void;
};

/** A date input over a program's optional instant: the day at 00:00 UTC, empty for none. */
export function DayField({ value, onChange, ...props }: DayFieldProps) {
  return (
    <TextField
      {...props}
      type="date"
      autoComplete="off"
      value={value ? value.slice(0, 10) : ""}
      onChange={(day) => onChange(day ? `${day}T00:00:00.000Z` : null)}
    />
  );
}
