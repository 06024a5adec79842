// Mirrors the sign-in serializers of backend/accounts/apis.py.
import type { Me } from "./org";

/** Where a browser stands in the sign-in. */
export type SignInStage = "signed_out" | "code_required" | "enrolment_required" | "signed_in";

export interface LoginResult {
  stage: "signed_in" | "code_required" | "enrolment_required";
  user: Me | null;
}

export interface TwoFactorStatus {
  stage: SignInStage;
  username: string;
  enabled: boolean;
  required_for_role: boolean;
  recovery_codes_left: number;
}

export interface TwoFactorEnrolment {
  secret: string;
  otpauth_url: string;
  qr_svg: string;
}

export interface TwoFactorConfirmed extends LoginResult {
  recovery_codes: string[];
}
