export declare function planSchema(answersSchema: Record<string, unknown>): Record<string, unknown>;
