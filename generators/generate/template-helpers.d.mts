export declare const helpers: {
  json(items: readonly string[]): string;
  yamlString(s: string): string;
  yamlLines(value: unknown, indent: number): string;
  shellWord(s: string): string;
};
export declare function escape(s: unknown): string;
