//! The second step: a table becomes participant records, checked against the roster
//! contract, with every problem found in one pass.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use mixwell_domain::{normalise_header, ParticipantRecord, StandardField};
use serde::{Deserialize, Serialize};

use crate::problem::{Problem, ProblemCode};
use crate::table::{Cell, FileFormat, Table};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ColumnInfo {
    pub header: String,
    /// `None` for a custom attribute column.
    pub field: Option<StandardField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RosterRow {
    pub line: u32,
    pub record: ParticipantRecord,
    /// External ids this participant listed as pre-existing friends.
    pub friends: Vec<String>,
    /// The cells as written, one per column, for the preview.
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ParsedRoster {
    pub format: Option<FileFormat>,
    pub columns: Vec<ColumnInfo>,
    pub rows: Vec<RosterRow>,
    /// Errors and warnings, in file order.
    pub problems: Vec<Problem>,
}

impl ParsedRoster {
    pub(crate) fn refused(problem: Problem) -> Self {
        Self {
            format: None,
            columns: Vec::new(),
            rows: Vec::new(),
            problems: vec![problem],
        }
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.is_error())
    }

    /// Pre-existing friendships between rows of this roster, each pair once, taken as
    /// mutual even when only one side lists the other.
    pub fn friend_pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .rows
            .iter()
            .flat_map(|row| {
                let me = &row.record.external_id;
                row.friends.iter().filter(move |f| *f != me).map(move |f| {
                    if me < f {
                        (me.clone(), f.clone())
                    } else {
                        (f.clone(), me.clone())
                    }
                })
            })
            .collect();
        pairs.sort();
        pairs.dedup();
        pairs
    }
}

const REQUIRED: [StandardField; 2] = [StandardField::Id, StandardField::FirstName];

pub fn validate(table: Table) -> ParsedRoster {
    let mut problems = Vec::new();
    let columns = read_header(&table, &mut problems);
    let position = |field: StandardField| columns.iter().position(|c| c.field == Some(field));

    let mut rows = Vec::with_capacity(table.rows.len());
    let mut first_line_of_id: HashMap<String, u32> = HashMap::new();
    for row in &table.rows {
        if row.cells.len() > columns.len() {
            problems.push(
                Problem::error(
                    ProblemCode::TooManyValues,
                    format!(
                        "this row has {} values but the header has {} columns; a value probably contains an unquoted comma",
                        row.cells.len(),
                        columns.len()
                    ),
                )
                .at_line(row.line),
            );
        }
        let mut record = ParticipantRecord::default();
        let mut friends = Vec::new();
        for (index, column) in columns.iter().enumerate() {
            let cell = row
                .cells
                .get(index)
                .cloned()
                .unwrap_or(Cell::Text(String::new()));
            let text = cell.as_text();
            let problem = |code, message: String| {
                Problem::error(code, message)
                    .at_line(row.line)
                    .at_column(index, &column.header)
            };
            match column.field {
                None => {
                    if !column.header.is_empty() {
                        record.custom.insert(column.header.clone(), text);
                    }
                }
                Some(StandardField::Id) => record.external_id = text,
                Some(StandardField::FirstName) => record.first_name = text,
                Some(StandardField::LastName) => record.last_name = text,
                Some(StandardField::DateOfBirth) => match parse_date(&cell) {
                    Ok(date) => record.date_of_birth = date,
                    Err(message) => problems.push(problem(ProblemCode::UnreadableDate, message)),
                },
                Some(StandardField::Gender) => record.gender = text,
                Some(StandardField::Ethnicity) => record.ethnicity = text,
                Some(StandardField::Faith) => record.faith = text,
                Some(StandardField::School) => record.school = text,
                Some(StandardField::Postcode) => record.postcode = text.to_uppercase(),
                Some(field @ (StandardField::Fsm | StandardField::AdditionalNeeds)) => {
                    match parse_yes_no(&text) {
                        Ok(value) if field == StandardField::Fsm => record.fsm = value,
                        Ok(value) => record.additional_needs = value,
                        Err(message) => {
                            problems.push(problem(ProblemCode::UnreadableYesNo, message))
                        }
                    }
                }
                Some(StandardField::Friends) => {
                    friends = text
                        .split(';')
                        .map(str::trim)
                        .filter(|f| !f.is_empty())
                        .map(str::to_owned)
                        .collect();
                }
            }
        }
        if let Some(index) = position(StandardField::Id) {
            let header = &columns[index].header;
            if record.external_id.is_empty() {
                problems.push(
                    Problem::error(
                        ProblemCode::MissingId,
                        "the id is empty; every participant needs the sign-up system's id",
                    )
                    .at_line(row.line)
                    .at_column(index, header),
                );
            } else if let Some(first) = first_line_of_id.get(&record.external_id) {
                problems.push(
                    Problem::error(
                        ProblemCode::DuplicateId,
                        format!(
                            "the id {} is on line {first} and again on line {}",
                            record.external_id, row.line
                        ),
                    )
                    .at_line(row.line)
                    .at_column(index, header),
                );
            } else {
                first_line_of_id.insert(record.external_id.clone(), row.line);
            }
        }
        if let Some(index) = position(StandardField::FirstName) {
            if record.first_name.is_empty() {
                problems.push(
                    Problem::error(ProblemCode::MissingName, "the first name is empty")
                        .at_line(row.line)
                        .at_column(index, &columns[index].header),
                );
            }
        }
        rows.push(RosterRow {
            line: row.line,
            record,
            friends,
            cells: row.cells.iter().map(Cell::as_text).collect(),
        });
    }

    if rows.is_empty() && !problems.iter().any(Problem::is_error) {
        problems.push(
            Problem::error(
                ProblemCode::NoParticipants,
                "the file has a header but no participants",
            )
            .at_line(table.header_line),
        );
    }
    check_friends(&rows, &columns, &mut problems);
    problems.sort_by_key(|p| (p.line.unwrap_or(0), p.column.unwrap_or(0)));
    ParsedRoster {
        format: Some(table.format),
        columns,
        rows,
        problems,
    }
}

fn read_header(table: &Table, problems: &mut Vec<Problem>) -> Vec<ColumnInfo> {
    let line = table.header_line;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let columns: Vec<ColumnInfo> = table
        .header
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let key = normalise_header(header);
            if header.is_empty() {
                let used = table
                    .rows
                    .iter()
                    .any(|r| r.cells.get(index).is_some_and(|c| !c.as_text().is_empty()));
                if used {
                    problems.push(
                        Problem::error(
                            ProblemCode::UnnamedColumn,
                            "this column has values but no header; give it a name or delete it",
                        )
                        .at_line(line)
                        .at_column(index, ""),
                    );
                }
            } else if let Some(first) = seen.get(&key) {
                problems.push(
                    Problem::error(
                        ProblemCode::DuplicateColumn,
                        format!(
                            "the column {header:?} appears twice (also column {})",
                            first + 1
                        ),
                    )
                    .at_line(line)
                    .at_column(index, header),
                );
            } else {
                seen.insert(key, index);
            }
            ColumnInfo {
                header: header.clone(),
                field: StandardField::from_header(header),
            }
        })
        .collect();
    for field in REQUIRED {
        if !columns.iter().any(|c| c.field == Some(field)) {
            problems.push(
                Problem::error(
                    ProblemCode::MissingColumn,
                    format!(
                        "there is no {} column; the header row must name it",
                        field.column_name()
                    ),
                )
                .at_line(line),
            );
        }
    }
    columns
}

fn check_friends(rows: &[RosterRow], columns: &[ColumnInfo], problems: &mut Vec<Problem>) {
    let Some(index) = columns
        .iter()
        .position(|c| c.field == Some(StandardField::Friends))
    else {
        return;
    };
    let header = &columns[index].header;
    let ids: HashSet<&str> = rows.iter().map(|r| r.record.external_id.as_str()).collect();
    for row in rows {
        for friend in &row.friends {
            if *friend == row.record.external_id {
                problems.push(
                    Problem::warning(
                        ProblemCode::FriendIsSelf,
                        format!("{friend} lists themself as a friend; ignored"),
                    )
                    .at_line(row.line)
                    .at_column(index, header),
                );
            } else if !ids.contains(friend.as_str()) {
                problems.push(
                    Problem::warning(
                        ProblemCode::UnknownFriend,
                        format!("friend {friend} is not in this roster; the friendship is kept only if {friend} is already in the wave"),
                    )
                    .at_line(row.line)
                    .at_column(index, header),
                );
            }
        }
    }
}

/// Dates as sign-up exports write them: ISO (2010-02-21, optionally with a time) or
/// British day-first (21/02/2010, 21-02-2010, 21.02.2010). Never month-first.
pub(crate) fn parse_date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let text = match cell {
        Cell::Date(d) => return Ok(Some(*d)),
        Cell::Text(t) => t.trim(),
    };
    if text.is_empty() {
        return Ok(None);
    }
    let date_part = text.split(['T', ' ']).next().unwrap_or(text);
    let parsed = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(date_part, format).ok());
    match parsed {
        Some(date) if (1900..=2100).contains(&chrono::Datelike::year(&date)) => Ok(Some(date)),
        Some(_) => Err(format!("{text:?} is outside 1900–2100")),
        None if looks_like_a_date(date_part) => Err(format!(
            "{text:?} is not a real date (dates are read day first, as in 21/07/2010)"
        )),
        None => Err(format!(
            "{text:?} is not a date; write it as 21/07/2010 or 2010-07-21"
        )),
    }
}

/// Three groups of digits with separators: a date in shape, even if no such day exists.
fn looks_like_a_date(text: &str) -> bool {
    let groups: Vec<&str> = text.split(['/', '-', '.']).collect();
    groups.len() == 3
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
}

fn parse_yes_no(text: &str) -> Result<Option<bool>, String> {
    match text.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" | "1" => Ok(Some(true)),
        "no" | "n" | "false" | "0" => Ok(Some(false)),
        _ => Err(format!(
            "{text:?} is not Yes or No; Mixwell records only whether it applies"
        )),
    }
}
