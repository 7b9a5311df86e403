//! The small CSV files scripts hand to the CLI (team sets, absences): two named columns, in
//! any order among others, every problem reported with the file and line.

use std::collections::HashMap;
use std::path::Path;

use mixwell_domain::normalise_header;

use crate::commands::CliError;

/// The rows of `file` as (line, first, second), trimmed, in file order. Both columns must be
/// there and filled in on every row.
pub fn read_pairs(
    file: &Path,
    first: &str,
    second: &str,
) -> Result<Vec<(u64, String, String)>, CliError> {
    let name = file.display().to_string();
    let bad =
        |line: u64, message: String| CliError::Input(format!("{name}: line {line}: {message}"));
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(file)
        .map_err(|e| CliError::Input(format!("{name}: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(normalise_header)
        .collect::<Vec<_>>();
    let column = |wanted: &str| {
        headers
            .iter()
            .position(|h| *h == normalise_header(wanted))
            .ok_or_else(|| {
                bad(
                    1,
                    format!("there is no {wanted} column (expected {first},{second})"),
                )
            })
    };
    let (a, b) = (column(first)?, column(second)?);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        let x = record.get(a).unwrap_or("").trim();
        let y = record.get(b).unwrap_or("").trim();
        if x.is_empty() || y.is_empty() {
            return Err(bad(
                line,
                format!("{first} and {second} must both be filled in"),
            ));
        }
        rows.push((line, x.to_owned(), y.to_owned()));
    }
    Ok(rows)
}

/// A team set as `groups form` writes it: the participant ids in file order, and each
/// team's label and members (indices into `ids`).
pub struct TeamFile {
    pub ids: Vec<String>,
    pub labels: Vec<String>,
    pub members: Vec<Vec<u32>>,
}

/// Teams from a `participant_id,group` file: groups numbered as `groups form` writes them
/// are taken in number order, other labels in the order they first appear.
pub fn read_team_file(file: &Path) -> Result<TeamFile, CliError> {
    let rows = read_pairs(file, "participant_id", "group")?;
    let mut ids: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (line, id, group) in rows {
        if let Some(first) = seen.insert(id.clone(), line) {
            return Err(CliError::Input(format!(
                "{}: line {line}: {id} is already in a team on line {first}",
                file.display()
            )));
        }
        let team = match labels.iter().position(|l| *l == group) {
            Some(t) => t,
            None => {
                labels.push(group);
                members.push(Vec::new());
                labels.len() - 1
            }
        };
        members[team].push(ids.len() as u32);
        ids.push(id);
    }
    if ids.is_empty() {
        return Err(CliError::Input(format!(
            "{}: there are no participants in it",
            file.display()
        )));
    }
    let mut order: Vec<usize> = (0..labels.len()).collect();
    if labels.iter().all(|l| l.parse::<u64>().is_ok()) {
        order.sort_by_key(|&t| labels[t].parse::<u64>().unwrap_or(u64::MAX));
    }
    Ok(TeamFile {
        ids,
        labels: order.iter().map(|&t| labels[t].clone()).collect(),
        members: order.iter().map(|&t| members[t].clone()).collect(),
    })
}
