// The sign-in answers of backend/accounts/apis.py: aliases of the generated types (npm run gen:types).
import type { components } from "./api.gen";

type Schemas = components["schemas"];

/** Where a browser stands in the sign-in. */
export type SignInStage = Schemas["SignInStageEnum"];

export type LoginResult = Schemas["LoginOutput"];

export type TwoFactorStatus = Schemas["TwoFactorStatus"];

export type TwoFactorEnrolment = Schemas["TwoFactorEnrolOutput"];

export type TwoFactorConfirmed = Schemas["TwoFactorConfirmOutput"];

/** POST /api/auth/activate/ */
export type Activated = Schemas["ActivateOutput"];
