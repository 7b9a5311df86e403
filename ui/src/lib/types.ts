// The shapes the screens work with. tauri-specta splits a type that has optional fields
// into what Rust sends (`_Serialize`, every field present) and what Rust accepts
// (`_Deserialize`); the screens hold what Rust sent and send it back unchanged.
import type {
  AppError_Serialize,
  ErrorDetails_Serialize,
  ImportPreview_Serialize,
  ImportSummary_Serialize,
  NewWave_Serialize,
  ParticipantRecord_Serialize,
  Participant_Serialize,
  Problem_Serialize,
  Rota_Serialize,
  RotaWarning_Serialize,
  Wave_Serialize,
  WaveSummary_Serialize,
} from "../bindings";

export type {
  AttributeCount,
  ErrorCode,
  FormedTeams,
  FormingProgress,
  Placement,
  Absence,
  Programme,
  ProgrammeRole,
  ProgrammeSession,
  RoleSpread,
  RotaRule,
  RowChange,
  RuleBreach,
  StatusRow,
  TeamCheck,
  TeamRequest,
  TeamSet,
  Turn,
  ValueCount,
} from "../bindings";
export type AppError = AppError_Serialize;
export type ErrorDetails = ErrorDetails_Serialize;
export type ImportPreview = ImportPreview_Serialize;
export type ImportSummary = ImportSummary_Serialize;
export type NewWave = NewWave_Serialize;
export type Participant = Participant_Serialize;
export type ParticipantRecord = ParticipantRecord_Serialize;
export type Problem = Problem_Serialize;
export type Rota = Rota_Serialize;
export type RotaWarning = RotaWarning_Serialize;
export type Wave = Wave_Serialize;
export type WaveSummary = WaveSummary_Serialize;
