import type { Endpoint } from "../endpoint";

export const adminEndpoints: Endpoint[] = [];
