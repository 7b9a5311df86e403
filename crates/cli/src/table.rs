//! The small CSV files scripts hand to the CLI (team sets, absences): two named columns, in
//! any order among others, every problem reported with the file and line.

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
