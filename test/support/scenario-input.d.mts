export declare const scenariosDir: string;
/** Copy the input of a scenario (or transition) folder into `dest`, bases first (see base.json). */
export declare function copyScenarioInput(folder: string, dest: string): void;
