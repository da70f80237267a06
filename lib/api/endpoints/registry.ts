import type { Endpoint } from "../endpoint";

export const registryEndpoints: Endpoint[] = [];
