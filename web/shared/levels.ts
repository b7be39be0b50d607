/**
 * Warning and response levels as every screen shows them (GB/T 29639, the state's four-colour
 * scale): Ⅰ red, Ⅱ orange, Ⅲ yellow, Ⅳ blue, the same hex values the server sends with alerts.
 */
export const LEVEL_ROMAN = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'];
export const LEVEL_COLOUR = ['', '#e8363b', '#f08c1a', '#f5c518', '#2f7fe0'];
/** Text on a level's colour: dark on yellow, white on the others (contrast ≥ 4.5:1). */
export const levelText = (level: number | null | undefined) => (level === 3 ? '#222' : '#fff');
/** The colour of a level, or grey for none (an incident not yet responding). */
export const levelColour = (level: number | null | undefined) => (level ? (LEVEL_COLOUR[level] ?? '#8c8c8c') : '#8c8c8c');
