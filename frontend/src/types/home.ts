// GET /api/home/ (inspection/home.py HomeOutputSerializer): aliases of api.gen.ts, generated from
// docs/openapi.yml (npm run gen:types).
import type { components } from "./api.gen";

export type HomeRow = components["schemas"]["Row"];
export type HomeCard = components["schemas"]["HomeCard"];
export type Home = components["schemas"]["HomeOutput"];
