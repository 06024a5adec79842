export function generateTypes(): Promise<string>;
export function committedAndGenerated(): Promise<{ committed: string; generated: string }>;
