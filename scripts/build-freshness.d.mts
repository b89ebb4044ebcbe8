export function newestChange(target: string): number;
export function outdated(output: string, inputs: string[]): boolean;
export const BUILD_OUTPUT: string;
export const BUILD_INPUTS: string[];
export function buildIsStale(root?: string): boolean;
