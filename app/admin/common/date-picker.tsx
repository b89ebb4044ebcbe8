// Polaris's DatePicker on its own, for range-picker.tsx to load when the merchant reaches for it:
// it is drawn only in the range's popover, so no page's first load needs it.
export { DatePicker as default } from "@shopify/polaris";
