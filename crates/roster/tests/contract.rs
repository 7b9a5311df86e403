//! The roster import contract, as sign-up exports meet it.

use mixwell_roster::{parse, FileFormat, ProblemCode, Severity};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/sample_roster_120.csv"
);
const HEADER: &str = "id,first_name,last_name,date_of_birth,gender,ethnicity,faith,school,postcode,fsm,additional_needs,friends\n";

fn codes(text: &str) -> Vec<(ProblemCode, Option<u32>, Option<u32>)> {
    parse(text.as_bytes())
        .problems
        .iter()
        .map(|p| (p.code, p.line, p.column))
        .collect()
}

#[test]
fn reads_the_shared_sample_roster() {
    let bytes = std::fs::read(SAMPLE).unwrap();
    let roster = parse(&bytes);
    assert!(!roster.has_errors(), "{:?}", roster.problems);
    assert_eq!(roster.rows.len(), 120);
    assert_eq!(roster.format, Some(FileFormat::CsvUtf8));
    let first = &roster.rows[0];
    assert_eq!(first.record.external_id, "NCS27-010000");
    assert_eq!(first.line, 2);
    assert_eq!(first.friends, vec!["NCS27-010005", "NCS27-010013"]);
    assert!(roster.friend_pairs().len() > 20);
}

#[test]
fn header_matching_ignores_case_spaces_and_underscores_and_keeps_other_columns() {
    let roster =
        parse(b"ID,First Name,LAST_NAME,Date Of Birth,T-shirt size\nA1,Ann,Lee,21/07/2010,M\n");
    assert!(!roster.has_errors(), "{:?}", roster.problems);
    let record = &roster.rows[0].record;
    assert_eq!(record.first_name, "Ann");
    assert_eq!(record.date_of_birth.unwrap().to_string(), "2010-07-21");
    assert_eq!(
        record.custom.get("T-shirt size").map(String::as_str),
        Some("M")
    );
}

#[test]
fn every_problem_is_reported_at_once_with_line_and_column() {
    let text = format!(
        "{HEADER}A1,Ann,Lee,2010-02-30,F,,,,,No,No,\n,Bo,Ray,2010-01-01,M,,,,,No,No,\nA1,Cy,Fox,2010-01-01,M,,,,,Maybe,No,\n"
    );
    assert_eq!(
        codes(&text),
        vec![
            (ProblemCode::UnreadableDate, Some(2), Some(4)),
            (ProblemCode::MissingId, Some(3), Some(1)),
            (ProblemCode::DuplicateId, Some(4), Some(1)),
            (ProblemCode::UnreadableYesNo, Some(4), Some(10)),
        ]
    );
    let duplicate = parse(text.as_bytes()).problems[2].message.clone();
    assert!(
        duplicate.contains("line 2") && duplicate.contains("line 4"),
        "{duplicate}"
    );
}

#[test]
fn a_friend_outside_the_roster_is_a_warning_not_an_error() {
    let roster =
        parse(format!("{HEADER}A1,Ann,Lee,,,,,,,,,Z9;A2\nA2,Bo,Ray,,,,,,,,,\n").as_bytes());
    assert!(!roster.has_errors());
    let warnings: Vec<_> = roster.warnings().collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].code, ProblemCode::UnknownFriend);
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert_eq!(
        roster.friend_pairs(),
        vec![
            ("A1".to_owned(), "A2".to_owned()),
            ("A1".to_owned(), "Z9".to_owned())
        ]
    );
}

#[test]
fn empty_files_and_files_that_are_not_rosters_are_refused_clearly() {
    assert_eq!(codes(""), vec![(ProblemCode::EmptyFile, None, None)]);
    assert_eq!(
        codes("\n\n  \n"),
        vec![(ProblemCode::EmptyFile, None, None)]
    );
    assert_eq!(
        codes(HEADER),
        vec![(ProblemCode::NoParticipants, Some(1), None)]
    );
    assert_eq!(
        parse(b"%PDF-1.7\n\x00\x01\x02").problems[0].code,
        ProblemCode::NotARoster
    );
    assert_eq!(
        parse(b"PK\x03\x04garbage").problems[0].code,
        ProblemCode::NotARoster
    );
    assert_eq!(
        codes("name,age\nAnn,16\n"),
        vec![
            (ProblemCode::MissingColumn, Some(1), None),
            (ProblemCode::MissingColumn, Some(1), None),
        ]
    );
}

#[test]
fn windows_1252_from_excel_reads_correctly() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"A1,Zo\xEB,O\x92Brien,,,,,,,,,\n");
    let roster = parse(&bytes);
    assert!(!roster.has_errors(), "{:?}", roster.problems);
    assert_eq!(roster.format, Some(FileFormat::CsvWindows1252));
    assert_eq!(roster.rows[0].record.full_name(), "Zoë O\u{2019}Brien");
}

#[test]
fn utf8_with_byte_order_mark_reads_the_id_column() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(format!("{HEADER}A1,Zoë,Lee,,,,,,,,,\n").as_bytes());
    let roster = parse(&bytes);
    assert!(!roster.has_errors(), "{:?}", roster.problems);
    assert_eq!(roster.rows[0].record.first_name, "Zoë");
}

#[test]
fn a_row_with_an_unquoted_comma_is_an_error_on_its_line() {
    assert_eq!(
        codes(&format!("{HEADER}A1,Ann,Lee,,,,,Oak, College,,,,\n")),
        vec![(ProblemCode::TooManyValues, Some(2), None)]
    );
}

#[test]
fn duplicate_columns_are_an_error() {
    assert_eq!(
        codes("id,first_name,First Name\nA1,Ann,Ann\n"),
        vec![(ProblemCode::DuplicateColumn, Some(1), Some(3))]
    );
}

mod xlsx {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    fn workbook(rows: &[Vec<&str>], date_cell: Option<(u32, u16, (u16, u8, u8))>) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *value).unwrap();
            }
        }
        if let Some((r, c, (y, m, d))) = date_cell {
            let date = ExcelDateTime::from_ymd(y, m, d).unwrap();
            sheet
                .write_datetime_with_format(
                    r,
                    c,
                    &date,
                    &Format::new().set_num_format("dd/mm/yyyy"),
                )
                .unwrap();
        }
        sheet.write_number(3, 0, 10234.0).unwrap();
        sheet.write_string(3, 1, "Num").unwrap();
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn reads_an_xlsx_export_with_real_dates_and_numeric_ids() {
        let bytes = workbook(
            &[
                vec!["ID", "First name", "Last name", "Date of birth", "Friends"],
                vec!["A1", "Ann", "Lee", "", "A2"],
                vec!["A2", "Bo", "Ray", "2010-03-04", ""],
            ],
            Some((1, 3, (2010, 7, 21))),
        );
        let roster = parse(&bytes);
        assert!(!roster.has_errors(), "{:?}", roster.problems);
        assert_eq!(roster.format, Some(FileFormat::Xlsx));
        assert_eq!(roster.rows.len(), 3);
        assert_eq!(
            roster.rows[0].record.date_of_birth.unwrap().to_string(),
            "2010-07-21"
        );
        assert_eq!(
            roster.rows[1].record.date_of_birth.unwrap().to_string(),
            "2010-03-04"
        );
        assert_eq!(roster.rows[2].record.external_id, "10234");
        assert_eq!(roster.rows[2].line, 4);
    }

    #[test]
    fn reports_problems_by_sheet_row_and_column() {
        let bytes = workbook(
            &[
                vec!["id", "first_name", "date_of_birth"],
                vec!["A1", "Ann", "someday"],
                vec!["A1", "Bo", ""],
            ],
            None,
        );
        let problems: Vec<_> = parse(&bytes)
            .problems
            .iter()
            .map(|p| (p.code, p.line, p.column))
            .collect();
        assert_eq!(
            problems,
            vec![
                (ProblemCode::UnreadableDate, Some(2), Some(3)),
                (ProblemCode::DuplicateId, Some(3), Some(1)),
            ]
        );
    }
}

#[test]
fn an_impossible_day_is_named_as_such_and_a_non_date_gets_the_expected_form() {
    let text =
        format!("{HEADER}A1,Ann,Lee,31/02/2010,F,,,,,No,No,\nA2,Bo,Ray,next week,M,,,,,No,No,\n");
    let roster = parse(text.as_bytes());
    let messages: Vec<&str> = roster.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("not a real date"), "{}", messages[0]);
    assert!(
        messages[1].contains("write it as 21/07/2010"),
        "{}",
        messages[1]
    );
}

#[test]
fn utf16_rosters_are_read_in_either_byte_order() {
    let text = format!("{HEADER}A1,Zoë,Łukasz,,F,,,,,No,No,\n");
    let units: Vec<u16> = text.encode_utf16().collect();
    let little: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(units.iter().flat_map(|u| u.to_le_bytes()))
        .collect();
    let big: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(units.iter().flat_map(|u| u.to_be_bytes()))
        .collect();
    for bytes in [little, big] {
        let roster = parse(&bytes);
        assert!(!roster.has_errors(), "{:?}", roster.problems);
        assert_eq!(roster.format, Some(FileFormat::CsvUtf16));
        assert_eq!(roster.rows[0].record.first_name, "Zoë");
        assert_eq!(roster.rows[0].record.last_name, "Łukasz");
    }
}
