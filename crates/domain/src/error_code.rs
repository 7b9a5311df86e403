//! The stable codes every failure reaches the app and scripts with. The UI branches on
//! them, never on a message; a code never changes meaning once released.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No row with the id given.
    NotFound,
    /// No programme, wave, team set or role by the name given.
    NoSuchName,
    /// Several things by the name given: name the programme too.
    AmbiguousName,
    NameTaken,
    InvalidName,
    InvalidDates,
    InvalidParticipant,
    /// A rota change that cannot be made as asked (a done turn, someone away, no sessions).
    InvalidRota,
    /// A batch of hours or decisions refused; every problem is in the details.
    HoursRejected,
    InvalidMilestone,
    /// A roster with errors; every problem is in the details.
    RosterHasErrors,
    /// A team request the wave cannot satisfy as asked (sizes, unknown attributes).
    InvalidTeams,
    /// Input from the UI or a script that cannot be used as it is.
    InvalidRequest,
    NewerDatabase,
    /// A change from another device written by a newer version of Mixwell.
    NewerChange,
    NotADatabase,
    /// The key or passphrase does not open the database (or the file is not one).
    WrongKey,
    /// The database is kept under a passphrase, and none was given.
    PassphraseNeeded,
    /// The database is encrypted and this computer holds no key for it (its keychain
    /// entry or its key file is gone).
    KeyMissing,
    /// The operating system's keychain refused or could not be reached.
    Keychain,
    /// A row the database holds cannot be read back.
    CorruptData,
    /// A file could not be read or written.
    Io,
    DiskFull,
    /// SQLite failed for another reason.
    Database,
    Encode,
    /// A PDF could not be made.
    Pdf,
    /// The app started without its database; the details carry why.
    DatabaseUnavailable,
    /// This laptop is already enrolled with a hub.
    AlreadyEnrolled,
    /// Sync needs the laptop to be enrolled with a hub first.
    NotEnrolled,
    /// The hub could not be reached (offline is normal: sync tries again later).
    HubUnreachable,
    /// The hub refused the request (an unknown or used code, a broken message); the
    /// message says why.
    HubRefused,
    /// The hub's administrator revoked this laptop: it syncs again once enrolled with a
    /// new code, and keeps everything meanwhile.
    DeviceRevoked,
    /// A USB bundle that is not for this laptop or hub, was changed, or is not a bundle.
    BundleRefused,
    /// A certificate was asked for someone with no verified hours.
    NoVerifiedHours,
    /// The certificate was revoked already.
    AlreadyRevoked,
    /// A certificate's signed credential could not be made or read.
    Certificate,
    /// A device's audit trail does not fit together: a link was changed, removed or put in
    /// after it was written.
    AuditBroken,
    /// The signed-in staff member's role may not do this.
    Forbidden,
    /// Nobody is signed in (or the screen locked itself after being left): sign in first.
    SignedOut,
    /// The PIN or passphrase does not match the account.
    WrongPin,
    /// A fault in Mixwell itself (a panic); nothing of the action was kept.
    Internal,
}

impl ErrorCode {
    /// Every code, for checks that must see each one.
    pub const ALL: [ErrorCode; 41] = [
        ErrorCode::NotFound,
        ErrorCode::NoSuchName,
        ErrorCode::AmbiguousName,
        ErrorCode::NameTaken,
        ErrorCode::InvalidName,
        ErrorCode::InvalidDates,
        ErrorCode::InvalidParticipant,
        ErrorCode::InvalidRota,
        ErrorCode::HoursRejected,
        ErrorCode::InvalidMilestone,
        ErrorCode::RosterHasErrors,
        ErrorCode::InvalidTeams,
        ErrorCode::InvalidRequest,
        ErrorCode::NewerDatabase,
        ErrorCode::NewerChange,
        ErrorCode::NotADatabase,
        ErrorCode::WrongKey,
        ErrorCode::PassphraseNeeded,
        ErrorCode::KeyMissing,
        ErrorCode::Keychain,
        ErrorCode::CorruptData,
        ErrorCode::Io,
        ErrorCode::DiskFull,
        ErrorCode::Database,
        ErrorCode::Encode,
        ErrorCode::Pdf,
        ErrorCode::DatabaseUnavailable,
        ErrorCode::AlreadyEnrolled,
        ErrorCode::NotEnrolled,
        ErrorCode::HubUnreachable,
        ErrorCode::HubRefused,
        ErrorCode::DeviceRevoked,
        ErrorCode::BundleRefused,
        ErrorCode::NoVerifiedHours,
        ErrorCode::AlreadyRevoked,
        ErrorCode::Certificate,
        ErrorCode::AuditBroken,
        ErrorCode::Forbidden,
        ErrorCode::SignedOut,
        ErrorCode::WrongPin,
        ErrorCode::Internal,
    ];

    /// The code as written in the UI's bindings and in the CLI's messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::NoSuchName => "no_such_name",
            ErrorCode::AmbiguousName => "ambiguous_name",
            ErrorCode::NameTaken => "name_taken",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::InvalidDates => "invalid_dates",
            ErrorCode::InvalidParticipant => "invalid_participant",
            ErrorCode::InvalidRota => "invalid_rota",
            ErrorCode::HoursRejected => "hours_rejected",
            ErrorCode::InvalidMilestone => "invalid_milestone",
            ErrorCode::RosterHasErrors => "roster_has_errors",
            ErrorCode::InvalidTeams => "invalid_teams",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::NewerDatabase => "newer_database",
            ErrorCode::NewerChange => "newer_change",
            ErrorCode::NotADatabase => "not_a_database",
            ErrorCode::WrongKey => "wrong_key",
            ErrorCode::PassphraseNeeded => "passphrase_needed",
            ErrorCode::KeyMissing => "key_missing",
            ErrorCode::Keychain => "keychain",
            ErrorCode::CorruptData => "corrupt_data",
            ErrorCode::Io => "io",
            ErrorCode::DiskFull => "disk_full",
            ErrorCode::Database => "database",
            ErrorCode::Encode => "encode",
            ErrorCode::Pdf => "pdf",
            ErrorCode::DatabaseUnavailable => "database_unavailable",
            ErrorCode::AlreadyEnrolled => "already_enrolled",
            ErrorCode::NotEnrolled => "not_enrolled",
            ErrorCode::HubUnreachable => "hub_unreachable",
            ErrorCode::HubRefused => "hub_refused",
            ErrorCode::DeviceRevoked => "device_revoked",
            ErrorCode::BundleRefused => "bundle_refused",
            ErrorCode::NoVerifiedHours => "no_verified_hours",
            ErrorCode::AlreadyRevoked => "already_revoked",
            ErrorCode::Certificate => "certificate",
            ErrorCode::AuditBroken => "audit_broken",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::SignedOut => "signed_out",
            ErrorCode::WrongPin => "wrong_pin",
            ErrorCode::Internal => "internal",
        }
    }
}

/// Scripts and tests compare codes as the text they read.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, text: &&str) -> bool {
        self.as_str() == *text
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn as_str_is_what_serde_writes() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
