//! The first step of reading a roster: a file's bytes become a header and rows of cells,
//! each row knowing the line (CSV) or sheet row (XLSX) it came from.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decode::{decode_text, not_a_roster, TextEncoding};
use crate::problem::{Problem, ProblemCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    CsvUtf8,
    CsvUtf16,
    CsvWindows1252,
    Xlsx,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A cell Excel stores as a date.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as the person who typed it would read it.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

pub struct TableRow {
    pub line: u32,
    pub cells: Vec<Cell>,
}

pub struct Table {
    pub format: FileFormat,
    pub header_line: u32,
    pub header: Vec<String>,
    pub rows: Vec<TableRow>,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

pub fn read(bytes: &[u8]) -> Result<Table, Problem> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::error(ProblemCode::EmptyFile, "the file is empty"));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(Problem::error(
            ProblemCode::NotARoster,
            "this is an old Excel (.xls) file; open it in Excel and save it as .xlsx or CSV UTF-8",
        ));
    }
    let (text, encoding) = decode_text(bytes)?;
    let format = match encoding {
        TextEncoding::Utf8 => FileFormat::CsvUtf8,
        TextEncoding::Utf16 => FileFormat::CsvUtf16,
        TextEncoding::Windows1252 => FileFormat::CsvWindows1252,
    };
    read_csv(&text, format)
}

/// Excel in many European locales writes semicolons, and "Unicode text" uses tabs.
fn sniff_delimiter(text: &str) -> u8 {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |d: char| first_line.chars().filter(|c| *c == d).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (count(*d as char), *d == b','))
        .unwrap_or(b',')
}

fn read_csv(text: &str, format: FileFormat) -> Result<Table, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Problem::error(
                ProblemCode::NotARoster,
                format!("the file cannot be read as CSV: {e}"),
            )
            .at_line(u32::try_from(line).unwrap_or(u32::MAX))
        })?;
        let line = record
            .position()
            .map(|p| p.line() + skipped_blank_lines(text, p.byte()))
            .unwrap_or(0);
        let cells: Vec<Cell> = record
            .iter()
            .map(|c| Cell::Text(c.trim().to_owned()))
            .collect();
        if cells.iter().all(|c| c.as_text().is_empty()) {
            continue;
        }
        rows.push(TableRow {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            cells,
        });
    }
    split_header(rows, format)
}

/// The csv crate places a record after blank lines at the first of them; staff need the
/// line the values are on.
fn skipped_blank_lines(text: &str, byte: u64) -> u64 {
    let start = usize::try_from(byte).unwrap_or(usize::MAX);
    text.as_bytes()
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| **b == b'\n' || **b == b'\r')
        .filter(|b| **b == b'\n')
        .count() as u64
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, Problem> {
    let unreadable = |detail: String| {
        Problem::error(
            ProblemCode::UnreadableSpreadsheet,
            format!("the spreadsheet cannot be read ({detail}); open it in Excel and save it again as .xlsx"),
        )
    };
    let mut workbook: Xlsx<_> = match calamine::open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        // A zip that is not a workbook (a .docx, an archive) is not a roster at all.
        Err(calamine::XlsxError::Zip(_)) | Err(calamine::XlsxError::FileNotFound(_)) => {
            return Err(not_a_roster())
        }
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => return Err(unreadable(e.to_string())),
        None => {
            return Err(Problem::error(
                ProblemCode::EmptyFile,
                "the workbook has no sheets",
            ))
        }
    };
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        // Columns left of the used range are empty; keep positions true to the sheet.
        let mut cells: Vec<Cell> = (0..first_col).map(|_| Cell::Text(String::new())).collect();
        cells.extend(row.iter().map(xlsx_cell));
        if cells.iter().all(|c| c.as_text().is_empty()) {
            continue;
        }
        let line = u64::from(first_row) + i as u64 + 1;
        rows.push(TableRow {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            cells,
        });
    }
    split_header(rows, FileFormat::Xlsx)
}

fn xlsx_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Text(String::new()),
        Data::String(s) => Cell::Text(s.trim().to_owned()),
        Data::Int(i) => Cell::Text(i.to_string()),
        // Ids and school codes typed as numbers come back as floats: 10234.0 → "10234".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cell::Text(format!("{}", *f as i64))
        }
        Data::Float(f) => Cell::Text(f.to_string()),
        Data::Bool(true) => Cell::Text("Yes".to_owned()),
        Data::Bool(false) => Cell::Text("No".to_owned()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(dt) => Cell::Date(dt.date()),
            None => Cell::Text(dt.to_string()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn split_header(mut rows: Vec<TableRow>, format: FileFormat) -> Result<Table, Problem> {
    if rows.is_empty() {
        return Err(Problem::error(ProblemCode::EmptyFile, "the file is empty"));
    }
    let header_row = rows.remove(0);
    Ok(Table {
        format,
        header_line: header_row.line,
        header: header_row.cells.iter().map(Cell::as_text).collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_and_tabs() {
        assert_eq!(sniff_delimiter("id;first_name;last_name\n"), b';');
        assert_eq!(sniff_delimiter("id\tfirst_name\n"), b'\t');
        assert_eq!(sniff_delimiter("id,first_name\n"), b',');
        assert_eq!(sniff_delimiter("id\n"), b',');
    }

    #[test]
    fn blank_lines_are_skipped_and_lines_stay_true_to_the_file() {
        let table = read(b"id,first_name\n\nA1,Ann\n\"B\n2\",Bo\nC3,Cy\n").unwrap();
        let lines: Vec<u32> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(table.header_line, 1);
        assert_eq!(lines, vec![3, 4, 6]);
    }
}
