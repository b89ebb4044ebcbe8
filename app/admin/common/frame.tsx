// Polaris's Frame on its own, for routes/app.tsx to load only where it is drawn (the sandbox): with
// its toasts, save bar and their modal it is about 10 KB gzip the embedded admin never uses.
export { Frame as default } from "@shopify/polaris";
