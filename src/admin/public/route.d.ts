// Types of route.js.

export function jobOfHash(hash: string): number | null;
export function jobHash(id: number): string;
