use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The roster cannot be imported until this is fixed.
    Error,
    /// Imported anyway; staff should know.
    Warning,
}

/// Stable codes the app and scripts can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    EmptyFile,
    NotARoster,
    UnreadableEncoding,
    UnreadableSpreadsheet,
    MissingColumn,
    DuplicateColumn,
    UnnamedColumn,
    NoParticipants,
    TooManyValues,
    MissingId,
    DuplicateId,
    MissingName,
    UnreadableDate,
    UnreadableYesNo,
    UnknownFriend,
    FriendIsSelf,
}

/// One thing wrong with a roster, and where: `line` is the file's line (CSV) or the
/// sheet's row (XLSX), both counted from 1; `column` is the column's position from 1 and
/// `field` its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    pub severity: Severity,
    pub code: ProblemCode,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn error(code: ProblemCode, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }

    pub fn warning(code: ProblemCode, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    pub fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at_column(mut self, column: usize, field: &str) -> Self {
        self.column = u32::try_from(column + 1).ok();
        self.field = Some(field.to_owned());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Problem {
    /// "line 4, column 4 (date_of_birth): …" — the form the CLI prints.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut place = Vec::new();
        if let Some(line) = self.line {
            place.push(format!("line {line}"));
        }
        if let Some(column) = self.column {
            place.push(format!("column {column}"));
        }
        let mut place = place.join(", ");
        if let Some(field) = &self.field {
            place.push_str(&format!(" ({field})"));
        }
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if place.is_empty() {
            write!(f, "{kind}: {}", self.message)
        } else {
            write!(f, "{kind}: {}: {}", place.trim(), self.message)
        }
    }
}
